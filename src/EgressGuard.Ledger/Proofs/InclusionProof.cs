using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Proofs;

/// <summary>
/// Evidence that one ledger entry is in the log a signed checkpoint describes: the entry's canonical
/// bytes (what is hashed), the checkpoint note, and the RFC 9162 audit path from the entry's leaf to
/// the checkpoint's root. Checked offline by <see cref="ProofChecker"/> with the public key alone.
/// </summary>
public sealed record InclusionProof
{
    /// <summary>The log origin (the checkpoint's first line).</summary>
    public required string Origin { get; init; }

    /// <summary>The entry's sequence number, which is its leaf index.</summary>
    public required ulong Sequence { get; init; }

    /// <summary>The entry's canonical encoding (src/EgressGuard.Ledger/README.md §1).</summary>
    public required byte[] Entry { get; init; }

    /// <summary>The checkpoint the proof leads to.</summary>
    public required SignedCheckpoint Checkpoint { get; init; }

    /// <summary>The audit path, leaf side first (RFC 9162 §2.1.3.1).</summary>
    public required IReadOnlyList<MerkleHash> Path { get; init; }

    /// <summary>Public keys the appliance signs with (a convenience: an auditor should pin the key obtained separately).</summary>
    public IReadOnlyList<CheckpointPublicKey> PublicKeys { get; init; } = [];
}
