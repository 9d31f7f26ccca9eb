using EgressGuard.Hosting;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Registry;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Hosting;

/// <summary>Registry versions drained into the ledger as AssessmentChange events, once, in order, retried after a failure.</summary>
public sealed class AssessmentLedgerDrainTests
{
    private static AssessmentRecord Record(string id)
    {
        Assert.True(DestinationPattern.TryParse("api.partner.example", out var pattern, out _));
        return new AssessmentRecord
        {
            Id = id,
            Recipient = "Partner Inc.",
            Mechanism = TransferMechanism.StandardContract,
            Destinations = [pattern!],
            Categories = ["email"],
            ValidFrom = new DateOnly(2026, 1, 1),
            ValidTo = new DateOnly(2026, 12, 31),
        };
    }

    [Fact]
    public async Task Drain_WritesEachVersionOnce_AndRetriesWhatFailed()
    {
        using var dir = new TempDirectory();
        using var registry = SqliteAssessmentRegistry.Open(dir.Path, TimeProvider.System, out var error)!;
        Assert.Null(error);
        registry.Create(Record("SC-1"), "alice");
        registry.Revoke("SC-1", "bob", "ended");
        var events = new List<LedgerEvent>();

        var failed = await Assert.ThrowsAsync<IOException>(async () => await AssessmentLedgerDrain.DrainAsync(registry, (_, _) => throw new IOException("ledger full"), CancellationToken.None));
        var first = await AssessmentLedgerDrain.DrainAsync(registry, (e, _) => { events.Add(e); return ValueTask.CompletedTask; }, CancellationToken.None);
        var second = await AssessmentLedgerDrain.DrainAsync(registry, (e, _) => { events.Add(e); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal("ledger full", failed.Message);
        Assert.Equal((2, 0), (first, second));
        Assert.All(events, e => Assert.Equal(LedgerEntryKind.AssessmentChange, e.Kind));
        Assert.Equal(["SC-1 v1", "SC-1 v2"], events.Select(e => e.Subject));
        Assert.StartsWith("actor=bob change=revoked: ended status=Revoked", events[1].Detail, StringComparison.Ordinal);
    }
}
