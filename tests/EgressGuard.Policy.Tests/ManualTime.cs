namespace EgressGuard.Policy.Tests;

/// <summary>A fake clock set by the test (the registry stamps versions with it; counters read years from it).</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}
