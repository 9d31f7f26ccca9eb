using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Verification;

/// <summary>What the verifier trusts and where the records begin.</summary>
public sealed record LedgerVerificationOptions
{
    /// <summary>Keys whose signatures are trusted (the appliance's public key as the auditor received it).</summary>
    public required IReadOnlyList<CheckpointPublicKey> TrustedKeys { get; init; }

    /// <summary>The origin every checkpoint must carry; null to take the first checkpoint's origin.</summary>
    public string? ExpectedOrigin { get; init; }

    /// <summary>
    /// Sequence number of the first record (0 for a whole log; the first kept sequence after a purge
    /// or for a date-range export).
    /// </summary>
    public ulong StartSize { get; init; }

    /// <summary>
    /// The compact range of the tree before the first record (<see cref="IncrementalMerkleTree.Frontier"/>
    /// at <see cref="StartSize"/>): one hash per set bit of <see cref="StartSize"/>. Not trusted on its
    /// own: only a signed checkpoint whose root it leads to vouches for it.
    /// </summary>
    public IReadOnlyList<MerkleHash> StartFrontier { get; init; } = [];

    /// <summary>
    /// Whether a key announced by a <see cref="Canonical.LedgerEntryKind.KeyRotation"/> entry becomes
    /// trusted once a checkpoint signed by an already trusted key covers that entry (default true).
    /// </summary>
    public bool LearnRotatedKeys { get; init; } = true;

    /// <summary>
    /// How many entries the verifier looks ahead (sequence numbers only) to tell a deletion from a
    /// reordering or an insertion when a sequence number is out of place.
    /// </summary>
    public int SequenceLookahead { get; init; } = 65_536;
}
