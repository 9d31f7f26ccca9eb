using System.Security.Cryptography;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Keyed fingerprint of a normalised value: HMAC-SHA256(key, type ‖ 0x1F ‖ normalised value), lower-case hex.
/// Keyed so the ledger can count distinct people without holding anything that can be brute-forced offline
/// (the space of mobile numbers is only 10^9).
/// </summary>
internal static class Fingerprinter
{
    // Setting up an HMAC (native context, key schedule) costs more than hashing a short value, and a small request
    // with a few findings paid it per finding. One keyed HMAC per thread is reused while the key is the same array
    // (a PiiScanner's key never changes); the result is the same as a one-shot HMAC.
    [ThreadStatic]
    private static CachedHmac? _cached;

    public static string Compute(byte[] key, PiiKind kind, ReadOnlySpan<byte> normalized)
    {
        var name = PiiKinds.NameUtf8(kind);
        var length = name.Length + 1 + normalized.Length;
        var rented = length > 512 ? new byte[length] : null;
        Span<byte> message = rented ?? stackalloc byte[512];
        name.CopyTo(message);
        message[name.Length] = 0x1F;
        normalized.CopyTo(message[(name.Length + 1)..]);
        Span<byte> mac = stackalloc byte[32];
        var cached = _cached;
        if (cached is null || !ReferenceEquals(cached.Key, key))
        {
            cached?.Hmac.Dispose();
            cached = new CachedHmac(key, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
            _cached = cached;
        }

        cached.Hmac.AppendData(message[..length]);
        cached.Hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac);
    }

    private sealed record CachedHmac(byte[] Key, IncrementalHash Hmac);
}
