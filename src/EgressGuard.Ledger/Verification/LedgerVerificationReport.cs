using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Verification;

/// <summary>What <see cref="LedgerVerifier"/> checked and, on failure, the first problem.</summary>
public sealed record LedgerVerificationReport
{
    /// <summary>True when nothing was wrong (check <see cref="UncoveredRecords"/> too: unsigned records are not an error).</summary>
    public bool Succeeded => Failure is null;

    /// <summary>The first problem; null on success.</summary>
    public LedgerFailure? Failure { get; init; }

    /// <summary>Records read and hashed (up to the failure, if any).</summary>
    public ulong RecordsChecked { get; init; }

    /// <summary>Checkpoints whose signature and root were verified.</summary>
    public int CheckpointsChecked { get; init; }

    /// <summary>Sequence number of the first record (the start size).</summary>
    public ulong FirstSequence { get; init; }

    /// <summary>Tree size reached: start size plus records checked.</summary>
    public ulong TreeSize { get; init; }

    /// <summary>Root at <see cref="TreeSize"/>, as recomputed.</summary>
    public MerkleHash RootHash { get; init; }

    /// <summary>Records after the last verified checkpoint: intact as far as sequence numbers go, but no signature vouches for them yet.</summary>
    public ulong UncoveredRecords { get; init; }

    /// <summary>Earliest record time seen; null when no records.</summary>
    public DateTimeOffset? FirstTime { get; init; }

    /// <summary>Latest record time seen; null when no records.</summary>
    public DateTimeOffset? LastTime { get; init; }

    /// <summary>Keys that became trusted through key-rotation entries (verifier keys, in order).</summary>
    public IReadOnlyList<string> LearnedKeys { get; init; } = [];
}
