using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// An append-only Merkle tree that keeps only its compact range (the "frontier"): the hashes of the
/// perfect subtrees that make up <c>[0, Size)</c>, one per set bit of <see cref="Size"/>, largest
/// first. Appending costs one leaf's worth of node hashes amortised (at most 64), memory is
/// O(log n), and the root at the current size is O(log n) hashes away. Not thread-safe: the ledger
/// has one writer.
/// </summary>
public sealed class IncrementalMerkleTree
{
    private const int MaxLevels = 64;

    private readonly MerkleHash[] _frontier = new MerkleHash[MaxLevels];
    private int _count;

    /// <summary>Creates an empty tree.</summary>
    public IncrementalMerkleTree()
    {
    }

    /// <summary>Number of leaves appended.</summary>
    public ulong Size { get; private set; }

    /// <summary>The RFC 9162 root at <see cref="Size"/> (<see cref="TreeHasher.EmptyRoot"/> when empty).</summary>
    public MerkleHash Root => MerkleTree.FoldFrontier(_frontier.AsSpan(0, _count));

    /// <summary>
    /// The compact range: hash of perfect subtree <c>i</c> covers the leaves after those of subtrees
    /// <c>0..i-1</c>, and its leaf count is the <c>i</c>-th highest set bit of <see cref="Size"/>.
    /// Persist it (with <see cref="Size"/>) to resume after a restart, or hand it to an offline
    /// verifier as the state before an export's first record.
    /// </summary>
    public ReadOnlySpan<MerkleHash> Frontier => _frontier.AsSpan(0, _count);

    /// <summary>
    /// Rebuilds a tree from a stored size and frontier; false when the frontier does not have one
    /// hash per set bit of <paramref name="size"/>.
    /// </summary>
    public static bool TryRestore(ulong size, ReadOnlySpan<MerkleHash> frontier, [NotNullWhen(true)] out IncrementalMerkleTree? tree)
    {
        if (frontier.Length != BitOperations.PopCount(size))
        {
            tree = null;
            return false;
        }

        tree = new IncrementalMerkleTree { Size = size };
        frontier.CopyTo(tree._frontier);
        tree._count = frontier.Length;
        return true;
    }

    /// <summary>Appends one leaf hash (see <see cref="TreeHasher.HashLeaf"/>).</summary>
    public void Append(in MerkleHash leafHash)
    {
        if (Size == ulong.MaxValue)
        {
            ThrowFull();
        }

        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        var hash = leafHash;
        for (var size = Size; (size & 1) != 0; size >>= 1)
        {
            _count--;
            hash = TreeHasher.HashNode(_frontier[_count], hash);
        }

        _frontier[_count] = hash;
        _count++;
        Size++;
    }

    /// <summary>An independent copy (e.g. to compute a checkpoint's root while the writer goes on).</summary>
    public IncrementalMerkleTree Clone()
    {
        var copy = new IncrementalMerkleTree { Size = Size, _count = _count };
        _frontier.AsSpan(0, _count).CopyTo(copy._frontier);
        return copy;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFull() => throw new InvalidOperationException("The tree holds 2^64 - 1 leaves.");
}
