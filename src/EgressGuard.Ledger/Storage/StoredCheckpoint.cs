using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Storage;

/// <summary>One row of <c>checkpoints.db</c>: the signed note and the tree frontier at its size.</summary>
/// <param name="Number">The checkpoint's number line.</param>
/// <param name="TreeSize">Entries it covers.</param>
/// <param name="Time">Signing time.</param>
/// <param name="Note">The signed note, exactly as signed.</param>
/// <param name="Frontier">The compact range at <paramref name="TreeSize"/> (lets an export or a verify start there).</param>
public sealed record StoredCheckpoint(long Number, ulong TreeSize, DateTimeOffset Time, string Note, IReadOnlyList<MerkleHash> Frontier);
