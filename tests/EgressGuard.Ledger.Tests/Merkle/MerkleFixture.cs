using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Tests.Merkle;

/// <summary>Leaf inputs 0..63 and their hashes, shared by the Merkle tests.</summary>
internal static class MerkleFixture
{
    public const int MaxSize = 64;

    public static readonly byte[][] Inputs = [.. Enumerable.Range(0, MaxSize).Select(i => new byte[] { (byte)i, (byte)(i * 7), 0x5a })];

    public static readonly MerkleHash[] LeafHashes = [.. Inputs.Select(i => MerkleHash.Read(ReferenceMerkle.Leaf(i)))];

    public static LeafHashList Source(int count)
    {
        var list = new LeafHashList();
        for (var i = 0; i < count; i++)
        {
            list.Add(LeafHashes[i]);
        }

        return list;
    }

    private static readonly MerkleHash[] Roots = [.. Enumerable.Range(0, MaxSize + 1).Select(n => MerkleHash.Read(ReferenceMerkle.Mth(Inputs[..n])))];
    private static readonly Dictionary<(int, int), MerkleHash[]> Paths = [];
    private static readonly Dictionary<(int, int), MerkleHash[]> Proofs = [];

    /// <summary>The naive MTH of the first <paramref name="size"/> inputs (computed once).</summary>
    public static MerkleHash Root(int size) => Roots[size];

    /// <summary>The naive PATH(m, D[n]) (memoised: the tamper tests ask for thousands).</summary>
    public static MerkleHash[] ReferencePath(int m, int n)
    {
        lock (Paths)
        {
            if (!Paths.TryGetValue((m, n), out var path))
            {
                Paths[(m, n)] = path = ToHashes(ReferenceMerkle.Path(m, Inputs[..n]));
            }

            return path;
        }
    }

    /// <summary>The naive PROOF(m, D[n]) for 0 &lt; m &lt; n, memoised.</summary>
    public static MerkleHash[] ReferenceProof(int m, int n)
    {
        lock (Proofs)
        {
            if (!Proofs.TryGetValue((m, n), out var proof))
            {
                Proofs[(m, n)] = proof = ToHashes(ReferenceMerkle.Proof(m, Inputs[..n]));
            }

            return proof;
        }
    }

    public static MerkleHash[] ToHashes(IEnumerable<byte[]> path) => [.. path.Select(p => MerkleHash.Read(p))];
}
