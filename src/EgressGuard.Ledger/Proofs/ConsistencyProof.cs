using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Proofs;

/// <summary>
/// Evidence that the log signed in an older checkpoint is a prefix of the log signed in a newer
/// one (nothing changed, removed or reordered in between): both notes and the RFC 9162 §2.1.4
/// consistency proof. Checked offline by <see cref="ProofChecker"/>.
/// </summary>
public sealed record ConsistencyProof
{
    /// <summary>The log origin.</summary>
    public required string Origin { get; init; }

    /// <summary>The older checkpoint.</summary>
    public required SignedCheckpoint From { get; init; }

    /// <summary>The newer checkpoint.</summary>
    public required SignedCheckpoint To { get; init; }

    /// <summary>The consistency proof (empty when both sizes are equal).</summary>
    public required IReadOnlyList<MerkleHash> Path { get; init; }

    /// <summary>Public keys the appliance signs with (a convenience; pin the key obtained separately).</summary>
    public IReadOnlyList<CheckpointPublicKey> PublicKeys { get; init; } = [];
}
