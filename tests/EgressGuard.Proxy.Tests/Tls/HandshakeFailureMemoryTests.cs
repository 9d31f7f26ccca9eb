using System.Net;
using EgressGuard.Proxy.Tls;

namespace EgressGuard.Proxy.Tests.Tls;

/// <summary>The splice-after-failure memory: per client and host, for a period, bounded; and the bypass patterns.</summary>
public sealed class HandshakeFailureMemoryTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.7");

    [Fact]
    public void Failure_IsRememberedForThatClientAndHostUntilThePeriodEnds()
    {
        var time = new ManualTime();
        var memory = new HandshakeFailureMemory(time, TimeSpan.FromHours(1), 10);

        memory.Remember(Client, "pinned.example");

        Assert.True(memory.IsRemembered(Client, "pinned.example"));
        Assert.False(memory.IsRemembered(Client, "other.example"));
        Assert.False(memory.IsRemembered(IPAddress.Parse("10.0.0.8"), "pinned.example"));
        time.Advance(TimeSpan.FromMinutes(61));
        Assert.False(memory.IsRemembered(Client, "pinned.example"));
    }

    [Fact]
    public void FullMemory_SweepsExpiredEntriesAndOtherwiseRefusesNewOnes()
    {
        var time = new ManualTime();
        var memory = new HandshakeFailureMemory(time, TimeSpan.FromMinutes(5), 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(memory.Remember(Client, "h" + i + ".example"));
        }

        Assert.False(memory.Remember(Client, "flood.example"));
        Assert.Equal(3, memory.Count);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(memory.Remember(Client, "later.example"));
        Assert.Equal(1, memory.Count);
    }

    [Theory]
    [InlineData("bank.example", true)]
    [InlineData("www.bank.example", false)]
    [InlineData("app.health.example", true)]
    [InlineData("health.example", false)]
    [InlineData("evilhealth.example", false)]
    public void BypassPatterns_MatchExactHostsAndSubdomainsOfSuffixes(string host, bool bypassed)
    {
        var errors = new List<string>();
        var list = HostPatternList.Parse(["Bank.Example.", "*.health.example"], "Tls:Bypass", errors);

        Assert.Empty(errors);
        Assert.Equal(bypassed, list.Matches(host));
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
