using System.Security.Cryptography;
using System.Text;
using EgressGuard.Inspection.Scanning;
using EgressGuard.Native;

namespace EgressGuard.Inspection.Tests;

/// <summary>
/// The fingerprint HMAC starts from precomputed inner/outer SHA-256 states (native OpenSSL) and falls back to the
/// BCL HMAC: both must give exactly the bytes of a one-shot HMAC-SHA256, because the ledger stores fingerprints
/// and counts distinct people by them across restarts and versions.
/// </summary>
public sealed class FingerprintKeyTests
{
    public static TheoryData<int> KeyLengths => [16, 32, 63, 64, 65, 100, 200];

    [Fact]
    public void NativeSha256_OnThisLinuxBox_IsUsed()
    {
        // libcrypto is what .NET's own cryptography loads here; if this fails the scanner silently runs on the slower
        // BCL path (still correct), which the benchmark numbers would not reflect.
        Assert.True(OpenSslSha256.IsNative);
        Assert.True(new FingerprintKey(new byte[32]).IsNative);
    }

    [Theory]
    [MemberData(nameof(KeyLengths))]
    public void Compute_EveryMessageLength_NativeAndBclEqualOneShotHmac(int keyLength)
    {
        var key = new byte[keyLength];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)((i * 73) + keyLength);
        }

        var native = new FingerprintKey(key, useNative: true);
        var bcl = new FingerprintKey(key, useNative: false);
        Assert.False(bcl.IsNative);
        var message = new byte[300];
        for (var i = 0; i < message.Length; i++)
        {
            message[i] = (byte)(i * 31);
        }

        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        for (var length = 0; length <= message.Length; length++)
        {
            var expected = HMACSHA256.HashData(key, message.AsSpan(0, length));
            native.Compute(message.AsSpan(0, length), a);
            bcl.Compute(message.AsSpan(0, length), b);
            Assert.Equal(expected, a.ToArray());
            Assert.Equal(expected, b.ToArray());
        }
    }

    [Fact]
    public void Fingerprint_TwoKeysAlternatingOnOneThread_EachMatchOneShotHmac()
    {
        var keyA = new FingerprintKey(Encoding.ASCII.GetBytes("fingerprint-key-aaaaaaaaaaaaaaaaa"), useNative: false);
        var keyB = new FingerprintKey(Encoding.ASCII.GetBytes("fingerprint-key-bbbbbbbbbbbbbbbbb"));
        for (var round = 0; round < 3; round++)
        {
            foreach (var key in new[] { keyA, keyB })
            {
                var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key.Key, "cn_mobile\u001F13800138000"u8));
                Assert.Equal(expected, Fingerprinter.Compute(key, PiiKind.Mobile, "13800138000"u8));
            }
        }
    }
}
