using System.Numerics;

namespace EgressGuard.Ledger.Merkle;

/// <summary>The Merkle Tree Hash (MTH) of RFC 9162 §2.1.1 over leaf hashes held in memory.</summary>
public static class MerkleTree
{
    /// <summary>
    /// MTH over <paramref name="leafHashes"/> (already leaf-hashed): <see cref="TreeHasher.EmptyRoot"/>
    /// for none, the leaf hash for one. Also correct over hashes of equal-sized perfect subtrees
    /// (e.g. stored 256-leaf block hashes), because MTH splits at powers of two.
    /// </summary>
    public static MerkleHash ComputeRoot(ReadOnlySpan<MerkleHash> leafHashes)
    {
        if (leafHashes.IsEmpty)
        {
            return TreeHasher.EmptyRoot;
        }

        // Fold left to right into a compact range (at most 64 perfect subtrees), then merge it.
        Span<MerkleHash> frontier = stackalloc MerkleHash[64];
        var count = 0;
        for (var i = 0; i < leafHashes.Length; i++)
        {
            var hash = leafHashes[i];
            for (var size = (ulong)i; (size & 1) != 0; size >>= 1)
            {
                count--;
                hash = TreeHasher.HashNode(frontier[count], hash);
            }

            frontier[count] = hash;
            count++;
        }

        return FoldFrontier(frontier[..count]);
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (the RFC's k); <paramref name="n"/> must be at least 2.</summary>
    internal static ulong SplitPoint(ulong n) => 1UL << (63 - BitOperations.LeadingZeroCount(n - 1));

    /// <summary>Merges a compact range (perfect subtree hashes, largest first) into the root.</summary>
    internal static MerkleHash FoldFrontier(ReadOnlySpan<MerkleHash> frontier)
    {
        if (frontier.IsEmpty)
        {
            return TreeHasher.EmptyRoot;
        }

        var root = frontier[^1];
        for (var i = frontier.Length - 2; i >= 0; i--)
        {
            root = TreeHasher.HashNode(frontier[i], root);
        }

        return root;
    }
}
