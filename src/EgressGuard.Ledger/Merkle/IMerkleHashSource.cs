namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// Where proof generation reads stored hashes: the storage engine implements it over its leaf-hash
/// column (and, to make proofs O(log n) reads, over stored hashes of aligned perfect subtrees).
/// Methods return false (never throw for a missing range) so a proof request fails with a status.
/// </summary>
public interface IMerkleHashSource
{
    /// <summary>
    /// Reads the leaf hashes of leaves <c>[start, start + destination.Length)</c>; false when any of
    /// them is not stored.
    /// </summary>
    bool TryReadLeafHashes(ulong start, Span<MerkleHash> destination);

    /// <summary>
    /// The hash of the perfect subtree of <c>2^level</c> leaves starting at <paramref name="start"/>
    /// (a multiple of <c>2^level</c>), if the store keeps it; false lets the caller compute it from
    /// leaves. Called only for <paramref name="level"/> ≥ 1.
    /// </summary>
    bool TryGetSubtreeHash(ulong start, int level, out MerkleHash hash);
}
