using System.Diagnostics.Metrics;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Sinks;
using EgressGuard.Policy.Decisions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>What the sink tests share: real metrics (<see cref="IMeterFactory"/> from DI), fast retry settings, bounded waits.</summary>
internal static class SinkHarness
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static SinkShippingOptions FastShipping(int batchSize = 200) => new()
    {
        BatchSize = batchSize,
        PollInterval = TimeSpan.FromMilliseconds(20),
        RetryMin = TimeSpan.FromMilliseconds(50),
        RetryMax = TimeSpan.FromMilliseconds(400),
        BacklogAlert = 250,
    };

    public static ServiceProvider Services() => new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static IMeterFactory Meters(this ServiceProvider services) => services.GetRequiredService<IMeterFactory>();

    public static ILoggerFactory Logs => NullLoggerFactory.Instance;

    /// <summary>Transfer <paramref name="i"/>: times a minute apart from <paramref name="start"/>, every third one blocked, hostile text in one field.</summary>
    public static EgressGuard.Ledger.Records.TransferRecord Transfer(int i, DateTimeOffset start) => TestTransfers.Create(
        start.AddMinutes(i),
        decision: i % 3 == 0 ? TransferVerdict.Block : TransferVerdict.Allow,
        reason: i % 3 == 0 ? ReasonCode.NoAssessment : ReasonCode.Domestic,
        country: i % 3 == 0 ? "US" : "CN",
        host: $"host-{i}.example.com");

    public static LedgerEvent Event(DateTimeOffset time) => new()
    {
        Id = Guid.CreateVersion7(time),
        Time = time,
        Kind = LedgerEntryKind.AssessmentChange,
        Subject = "PIPL-2026-001",
        Detail = "action=added sha256=00",
    };

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"waited {Patience.TotalSeconds:0}s for: {what}");
            }

            await Task.Delay(25);
        }
    }
}
