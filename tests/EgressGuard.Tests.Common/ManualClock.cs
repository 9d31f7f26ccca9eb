namespace EgressGuard.Tests.Common;

/// <summary>
/// A clock the test sets: <see cref="GetUtcNow"/> returns <see cref="Now"/>. Timers still run on real
/// time (the base <see cref="TimeProvider"/> timer), so a writer's periodic tick keeps ticking while
/// the date it sees is the test's.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <summary>The current fake instant (UTC).</summary>
    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;
}
