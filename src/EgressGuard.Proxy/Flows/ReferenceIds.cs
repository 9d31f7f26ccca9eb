using System.Security.Cryptography;

namespace EgressGuard.Proxy.Flows;

/// <summary>
/// Reference ids of transfers: RFC 9562 UUIDv7 (48-bit Unix milliseconds, version 7, variant 10,
/// 74 random bits from the operating system's CSPRNG), laid out exactly as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// lays them out. The random bits are fetched for 64 ids at a time per thread instead of one
/// system call per id (that call, with OpenSSL's error-queue bookkeeping around it, showed in
/// the per-request profile). No lock: the buffer is per thread.
/// </summary>
internal static class ReferenceIds
{
    private const int IdsPerFill = 64;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_next;

    /// <summary>A new UUIDv7 for <paramref name="time"/> (not before the Unix epoch).</summary>
    public static Guid NewVersion7(DateTimeOffset time)
    {
        var milliseconds = time.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(time));
        var random = t_random ??= new byte[16 * IdsPerFill];
        if (t_next == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        var bytes = random.AsSpan(t_next * 16, 16);
        t_next = (t_next + 1) % IdsPerFill;
        var c = (short)((BitConverter.ToUInt16(bytes[6..8]) & 0x0FFF) | 0x7000);
        var d = (byte)((bytes[8] & 0x3F) | 0x80);
        var id = new Guid((int)(milliseconds >> 16), (short)milliseconds, c, d, bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
        bytes.Clear(); // a used id's randomness does not linger in memory
        return id;
    }
}
