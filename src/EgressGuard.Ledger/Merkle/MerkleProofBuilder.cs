using System.Buffers;
using System.Numerics;

namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// Builds RFC 9162 inclusion proofs (§2.1.3.1) and consistency proofs (§2.1.4.1), roots and frontiers
/// at any past size, from an <see cref="IMerkleHashSource"/>. Reads stored perfect-subtree hashes
/// where the source has them and otherwise hashes leaves (a range of n leaves costs n − 1 hashes).
/// </summary>
public static class MerkleProofBuilder
{
    // Subtrees up to this many leaves are computed from one read rather than by recursion.
    private const int LeafChunk = 256;

    /// <summary>The audit path for leaf <paramref name="leafIndex"/> in the tree of the first <paramref name="treeSize"/> leaves, leaf side first.</summary>
    public static ProofBuildStatus TryBuildInclusionProof(IMerkleHashSource source, ulong leafIndex, ulong treeSize, out MerkleHash[] proof)
    {
        ArgumentNullException.ThrowIfNull(source);
        proof = [];
        if (leafIndex >= treeSize)
        {
            return ProofBuildStatus.LeafIndexOutOfRange;
        }

        var path = new List<MerkleHash>(64);
        if (!Path(source, leafIndex, 0, treeSize, path))
        {
            return ProofBuildStatus.HashesUnavailable;
        }

        proof = [.. path];
        return ProofBuildStatus.Ok;
    }

    /// <summary>
    /// The consistency proof from the tree of <paramref name="oldSize"/> leaves to the tree of
    /// <paramref name="newSize"/>; empty when the sizes are equal or <paramref name="oldSize"/> is 0.
    /// </summary>
    public static ProofBuildStatus TryBuildConsistencyProof(IMerkleHashSource source, ulong oldSize, ulong newSize, out MerkleHash[] proof)
    {
        ArgumentNullException.ThrowIfNull(source);
        proof = [];
        if (oldSize > newSize)
        {
            return ProofBuildStatus.SizeOutOfRange;
        }

        if (oldSize == 0 || oldSize == newSize)
        {
            return ProofBuildStatus.Ok;
        }

        var path = new List<MerkleHash>(64);
        if (!SubProof(source, oldSize, 0, newSize, true, path))
        {
            return ProofBuildStatus.HashesUnavailable;
        }

        proof = [.. path];
        return ProofBuildStatus.Ok;
    }

    /// <summary>The root of the tree of the first <paramref name="treeSize"/> leaves.</summary>
    public static ProofBuildStatus TryComputeRoot(IMerkleHashSource source, ulong treeSize, out MerkleHash root)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (treeSize == 0)
        {
            root = TreeHasher.EmptyRoot;
            return ProofBuildStatus.Ok;
        }

        return SubtreeRoot(source, 0, treeSize, out root) ? ProofBuildStatus.Ok : ProofBuildStatus.HashesUnavailable;
    }

    /// <summary>
    /// The compact range of the tree of the first <paramref name="treeSize"/> leaves (see
    /// <see cref="IncrementalMerkleTree.Frontier"/>): to resume the writer's tree at start-up or to
    /// give an offline verifier the state before an export's first record.
    /// </summary>
    public static ProofBuildStatus TryComputeFrontier(IMerkleHashSource source, ulong treeSize, out MerkleHash[] frontier)
    {
        ArgumentNullException.ThrowIfNull(source);
        frontier = new MerkleHash[BitOperations.PopCount(treeSize)];
        var start = 0UL;
        var i = 0;
        for (var bit = 63; bit >= 0; bit--)
        {
            var size = 1UL << bit;
            if ((treeSize & size) == 0)
            {
                continue;
            }

            if (!SubtreeRoot(source, start, size, out frontier[i]))
            {
                frontier = [];
                return ProofBuildStatus.HashesUnavailable;
            }

            start += size;
            i++;
        }

        return ProofBuildStatus.Ok;
    }

    // PATH(m, D[start : start+n]) of RFC 9162 §2.1.3.1, appended bottom-up.
    private static bool Path(IMerkleHashSource source, ulong m, ulong start, ulong n, List<MerkleHash> path)
    {
        if (n == 1)
        {
            return true;
        }

        var k = MerkleTree.SplitPoint(n);
        MerkleHash sibling;
        if (m < k)
        {
            if (!Path(source, m, start, k, path) || !SubtreeRoot(source, start + k, n - k, out sibling))
            {
                return false;
            }
        }
        else if (!Path(source, m - k, start + k, n - k, path) || !SubtreeRoot(source, start, k, out sibling))
        {
            return false;
        }

        path.Add(sibling);
        return true;
    }

    // SUBPROOF(m, D[start : start+n], b) of RFC 9162 §2.1.4.1.
    private static bool SubProof(IMerkleHashSource source, ulong m, ulong start, ulong n, bool complete, List<MerkleHash> path)
    {
        if (m == n)
        {
            if (complete)
            {
                return true;
            }

            if (!SubtreeRoot(source, start, n, out var whole))
            {
                return false;
            }

            path.Add(whole);
            return true;
        }

        var k = MerkleTree.SplitPoint(n);
        MerkleHash other;
        if (m <= k)
        {
            if (!SubProof(source, m, start, k, complete, path) || !SubtreeRoot(source, start + k, n - k, out other))
            {
                return false;
            }
        }
        else if (!SubProof(source, m - k, start + k, n - k, false, path) || !SubtreeRoot(source, start, k, out other))
        {
            return false;
        }

        path.Add(other);
        return true;
    }

    // MTH(D[start : start+n]), n ≥ 1.
    private static bool SubtreeRoot(IMerkleHashSource source, ulong start, ulong n, out MerkleHash root)
    {
        if (BitOperations.IsPow2(n) && n > 1 && start % n == 0 && source.TryGetSubtreeHash(start, BitOperations.Log2(n), out root))
        {
            return true;
        }

        if (n <= LeafChunk)
        {
            var leaves = ArrayPool<MerkleHash>.Shared.Rent((int)n);
            try
            {
                var span = leaves.AsSpan(0, (int)n);
                if (source.TryReadLeafHashes(start, span))
                {
                    root = n == 1 ? span[0] : MerkleTree.ComputeRoot(span);
                    return true;
                }

                // Some leaves are gone (purged), but their aligned subtrees may be kept (the frontier
                // at the log start): split and ask for those.
                if (n == 1)
                {
                    root = default;
                    return false;
                }
            }
            finally
            {
                ArrayPool<MerkleHash>.Shared.Return(leaves);
            }
        }

        var k = MerkleTree.SplitPoint(n);
        if (!SubtreeRoot(source, start, k, out var left) || !SubtreeRoot(source, start + k, n - k, out var right))
        {
            root = default;
            return false;
        }

        root = TreeHasher.HashNode(left, right);
        return true;
    }
}
