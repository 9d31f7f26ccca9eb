using System.Runtime.CompilerServices;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Keyed fingerprint of a normalised value: HMAC-SHA256(key, type ‖ 0x1F ‖ normalised value), lower-case hex.
/// Keyed so the ledger can count distinct people without holding anything that can be brute-forced offline
/// (the space of mobile numbers is only 10^9).
/// </summary>
internal static class Fingerprinter
{
    // The message buffer is written before it is read ([..length] only), the MAC in full: no need to zero them.
    [SkipLocalsInit]
    public static string Compute(FingerprintKey key, PiiKind kind, ReadOnlySpan<byte> normalized)
    {
        var name = PiiKinds.NameUtf8(kind);
        var length = name.Length + 1 + normalized.Length;
        var rented = length > 512 ? new byte[length] : null;
        Span<byte> message = rented ?? stackalloc byte[512];
        name.CopyTo(message);
        message[name.Length] = 0x1F;
        normalized.CopyTo(message[(name.Length + 1)..]);
        Span<byte> mac = stackalloc byte[32];
        key.Compute(message[..length], mac);
        return Convert.ToHexStringLower(mac);
    }
}
