using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Verification;

/// <summary>
/// A signed checkpoint note handed to the verifier, with the consistency proof needed when its
/// tree size lies outside the records being verified.
/// </summary>
public sealed record CheckpointEvidence
{
    /// <summary>The signed note text, exactly as signed (see <see cref="Checkpoints.CheckpointNote"/>).</summary>
    public required string Note { get; init; }

    /// <summary>
    /// Only for a checkpoint outside the verified range: for a size below the start, the RFC 9162
    /// consistency proof from this checkpoint's size to the start size; for a size beyond the last
    /// record, the proof from the number of records verified (start + records) to this size. Null
    /// otherwise: inside the range the verifier recomputes the root itself.
    /// </summary>
    public IReadOnlyList<MerkleHash>? ConsistencyProof { get; init; }
}
