namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// Times and durations as the canonical encoding holds them: whole microseconds (times since
/// 1970-01-01T00:00:00Z, UTC). Finer ticks are rounded down (toward negative infinity), so a record
/// round-trips exactly when its time and duration are whole microseconds — the ledger's precision.
/// </summary>
public static class CanonicalTime
{
    private const long TicksPerMicrosecond = 10;
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;
    private static readonly long MinMicroseconds = FloorDivide(0 - UnixEpochTicks);
    private static readonly long MaxMicroseconds = FloorDivide(DateTimeOffset.MaxValue.UtcTicks - UnixEpochTicks);

    /// <summary>Microseconds since the Unix epoch, rounded down.</summary>
    public static long ToUnixMicroseconds(DateTimeOffset time) => FloorDivide(time.UtcTicks - UnixEpochTicks);

    /// <summary>The instant <paramref name="microseconds"/> after the Unix epoch, with offset zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside the range of <see cref="DateTimeOffset"/>.</exception>
    public static DateTimeOffset FromUnixMicroseconds(long microseconds)
    {
        if (!TryFromUnixMicroseconds(microseconds, out var time))
        {
            ThrowOutOfRange(nameof(microseconds));
        }

        return time;
    }

    /// <summary>The instant <paramref name="microseconds"/> after the Unix epoch; false when out of range.</summary>
    public static bool TryFromUnixMicroseconds(long microseconds, out DateTimeOffset time)
    {
        if (microseconds < MinMicroseconds || microseconds > MaxMicroseconds)
        {
            time = default;
            return false;
        }

        time = new DateTimeOffset(UnixEpochTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);
        return true;
    }

    /// <summary>A duration in whole microseconds, rounded down.</summary>
    public static long ToMicroseconds(TimeSpan duration) => FloorDivide(duration.Ticks);

    /// <summary>A duration from whole microseconds; false when it does not fit a <see cref="TimeSpan"/>.</summary>
    public static bool TryFromMicroseconds(long microseconds, out TimeSpan duration)
    {
        if (microseconds < TimeSpan.MinValue.Ticks / TicksPerMicrosecond || microseconds > TimeSpan.MaxValue.Ticks / TicksPerMicrosecond)
        {
            duration = default;
            return false;
        }

        duration = TimeSpan.FromTicks(microseconds * TicksPerMicrosecond);
        return true;
    }

    /// <summary>Whether <paramref name="time"/> is a whole number of microseconds (it round-trips exactly).</summary>
    public static bool IsWholeMicroseconds(DateTimeOffset time) => time.UtcTicks % TicksPerMicrosecond == 0;

    /// <summary>Whether <paramref name="duration"/> is a whole number of microseconds (it round-trips exactly).</summary>
    public static bool IsWholeMicroseconds(TimeSpan duration) => duration.Ticks % TicksPerMicrosecond == 0;

    private static long FloorDivide(long ticks)
    {
        var quotient = Math.DivRem(ticks, TicksPerMicrosecond, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowOutOfRange(string name) => throw new ArgumentOutOfRangeException(name, "Outside the range of DateTimeOffset.");
}
