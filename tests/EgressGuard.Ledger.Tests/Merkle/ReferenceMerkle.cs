using System.Security.Cryptography;

namespace EgressGuard.Ledger.Tests.Merkle;

/// <summary>
/// A deliberately naive transcription of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF) over byte arrays,
/// sharing no code with the implementation under test.
/// </summary>
internal static class ReferenceMerkle
{
    public static byte[] Leaf(byte[] data) => SHA256.HashData([0x00, .. data]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    /// <summary>MTH(D[n]) over leaf INPUTS.</summary>
    public static byte[] Mth(IReadOnlyList<byte[]> d)
    {
        if (d.Count == 0)
        {
            return SHA256.HashData([]);
        }

        if (d.Count == 1)
        {
            return Leaf(d[0]);
        }

        var k = LargestPowerOfTwoBelow(d.Count);
        return Node(Mth(Slice(d, 0, k)), Mth(Slice(d, k, d.Count)));
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = LargestPowerOfTwoBelow(d.Count);
        if (m < k)
        {
            return [.. Path(m, Slice(d, 0, k)), Mth(Slice(d, k, d.Count))];
        }

        return [.. Path(m - k, Slice(d, k, d.Count)), Mth(Slice(d, 0, k))];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> d) => SubProof(m, d, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, bool b)
    {
        if (m == d.Count)
        {
            return b ? [] : [Mth(d)];
        }

        var k = LargestPowerOfTwoBelow(d.Count);
        if (m <= k)
        {
            return [.. SubProof(m, Slice(d, 0, k), b), Mth(Slice(d, k, d.Count))];
        }

        return [.. SubProof(m - k, Slice(d, k, d.Count), false), Mth(Slice(d, 0, k))];
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private static List<byte[]> Slice(IReadOnlyList<byte[]> d, int from, int to) => [.. d.Skip(from).Take(to - from)];
}
