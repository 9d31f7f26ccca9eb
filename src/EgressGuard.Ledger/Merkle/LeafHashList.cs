namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// An in-memory <see cref="IMerkleHashSource"/> over a growing list of leaf hashes (no stored
/// subtrees): for tests, exports of a few days and small tools.
/// </summary>
public sealed class LeafHashList : IMerkleHashSource
{
    private readonly List<MerkleHash> _leaves = [];

    /// <summary>Number of leaf hashes held.</summary>
    public ulong Count => (ulong)_leaves.Count;

    /// <summary>Adds the next leaf hash.</summary>
    public void Add(in MerkleHash leafHash) => _leaves.Add(leafHash);

    /// <inheritdoc />
    public bool TryReadLeafHashes(ulong start, Span<MerkleHash> destination)
    {
        if (start > (ulong)_leaves.Count || (ulong)destination.Length > (ulong)_leaves.Count - start)
        {
            return false;
        }

        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_leaves).Slice((int)start, destination.Length).CopyTo(destination);
        return true;
    }

    /// <inheritdoc />
    public bool TryGetSubtreeHash(ulong start, int level, out MerkleHash hash)
    {
        hash = default;
        return false;
    }
}
