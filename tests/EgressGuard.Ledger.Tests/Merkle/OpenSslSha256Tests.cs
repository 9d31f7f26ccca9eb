using System.Security.Cryptography;
using EgressGuard.Native;

namespace EgressGuard.Ledger.Tests.Merkle;

/// <summary>
/// The tree's SHA-256 (OpenSSL's low-level functions, for speed) must give exactly what the BCL's
/// SHA-256 gives: a different hash would make every stored leaf, root and checkpoint unverifiable.
/// </summary>
public sealed class OpenSslSha256Tests
{
    [Fact]
    public void Native_OnThisMachine_IsInUse()
    {
        // Debian 12 ships libcrypto.so.3 with the low-level exports; the speed targets assume them.
        Assert.True(OpenSslSha256.IsNative);
    }

    [Fact]
    public void Hash_EveryLengthAcrossBlockAndSliceBoundaries_EqualsBcl()
    {
        var data = new byte[(16 * 1024 * 3) + 200];
        new Random(42).NextBytes(data);
        Span<byte> ours = stackalloc byte[32];
        Span<byte> bcl = stackalloc byte[32];
        var lengths = new List<int>();
        for (var n = 0; n <= 300; n++)
        {
            lengths.Add(n);
        }

        lengths.AddRange([16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 32 * 1024 + 63, data.Length]);
        foreach (var n in lengths)
        {
            OpenSslSha256.Hash(data.AsSpan(0, n), ours);
            SHA256.HashData(data.AsSpan(0, n), bcl);
            Assert.True(ours.SequenceEqual(bcl), $"plain hash differs at length {n}");

            OpenSslSha256.Hash(0x00, data.AsSpan(0, n), ours);
            var prefixed = new byte[n + 1];
            data.AsSpan(0, n).CopyTo(prefixed.AsSpan(1));
            SHA256.HashData(prefixed, bcl);
            Assert.True(ours.SequenceEqual(bcl), $"prefixed hash differs at length {n}");
        }
    }

    [Fact]
    public async Task Hash_ManyThreadsAtOnce_EqualsBcl()
    {
        var inputs = new byte[64][];
        var random = new Random(7);
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new byte[random.Next(0, 600)];
            random.NextBytes(inputs[i]);
        }

        var mismatches = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            Span<byte> ours = stackalloc byte[32];
            for (var round = 0; round < 200; round++)
            {
                foreach (var input in inputs)
                {
                    OpenSslSha256.Hash(input, ours);
                    if (!ours.SequenceEqual(SHA256.HashData(input)))
                    {
                        Interlocked.Increment(ref mismatches);
                    }
                }
            }
        })));
        Assert.Equal(0, mismatches);
    }
}
