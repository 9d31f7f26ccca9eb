using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Retention;
using EgressGuard.Ledger.Storage;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>Retention and legal holds on real partition files, driven by a fake clock.</summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset Day0 = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Open_TwoYearsLater_PurgesTheOldPartitionRecordsThePurgeAndTheRestVerifies()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock(Day0);
        await WriteThreeDaysAsync(dir.Path, clock);

        clock.Now = Day0.AddDays(731); // day 0 is now wholly older than 730 days; day 1 is not
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            await ledger.FlushAsync();
            var entries = await ledger.ReadEntriesAsync(0, 1000, CancellationToken.None);

            var purge = Assert.Single(entries, e => e.Entry.Kind == LedgerEntryKind.Purge);
            Assert.Equal("2024-01-01/2024-01-01", purge.Entry.Event!.Subject);
            Assert.StartsWith("seq=0-9 records=10 root=", purge.Entry.Event.Detail, StringComparison.Ordinal);
            Assert.Equal(10UL, entries[0].Sequence); // nothing before the purge boundary is readable
        }

        Assert.Equal([new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3), new DateOnly(2026, 1, 1)], LedgerFiles.ListPartitions(dir.Path));
        var report = StoreSamples.Verify(dir.Path);
        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(10UL, report.FirstSequence);
        Assert.Equal(21UL, report.RecordsChecked); // days 1 and 2, plus the purge entry
    }

    [Fact]
    public async Task Open_HeldPartition_IsKeptAndTheHoldIsLogged()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock(Day0);
        await WriteThreeDaysAsync(dir.Path, clock);
        var id = LegalHolds.Add(dir.Path, new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 1), "case 42", clock.Now, out var error);
        Assert.Null(error);

        clock.Now = Day0.AddDays(800); // days 0, 1 and 2 are all past retention
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            await ledger.FlushAsync();
            var entries = await ledger.ReadEntriesAsync(0, 1000, CancellationToken.None);

            Assert.DoesNotContain(entries, e => e.Entry.Kind == LedgerEntryKind.Purge);
            var hold = Assert.Single(entries, e => e.Entry.Kind == LedgerEntryKind.LegalHold);
            Assert.Equal("2024-01-01/2024-01-01", hold.Entry.Event!.Subject);
            Assert.Contains($"id={id}", hold.Entry.Event.Detail, StringComparison.Ordinal);
        }

        Assert.Contains(new DateOnly(2024, 1, 1), LedgerFiles.ListPartitions(dir.Path));
        Assert.True(StoreSamples.Verify(dir.Path).Succeeded);

        // Released: the next maintenance purges everything past retention.
        Assert.True(LegalHolds.Release(dir.Path, id!.Value, clock.Now, out _));
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            await ledger.MaintainAsync();
        }

        Assert.DoesNotContain(new DateOnly(2024, 1, 1), LedgerFiles.ListPartitions(dir.Path));
        Assert.DoesNotContain(new DateOnly(2024, 1, 3), LedgerFiles.ListPartitions(dir.Path));
        var report = StoreSamples.Verify(dir.Path);
        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(30UL, report.FirstSequence);
    }

    [Fact]
    public void Select_HeldDayInTheMiddle_PurgesOnlyTheDaysBeforeIt()
    {
        DateOnly[] days = [new(2024, 1, 1), new(2024, 1, 2), new(2024, 1, 3), new(2024, 1, 4)];
        var hold = new LegalHold { Id = 1, From = new(2024, 1, 2), To = new(2024, 1, 2), Reason = "x", Placed = Day0 };

        var purge = RetentionPlan.Select(days, [hold], Day0.AddDays(1000), TimeSpan.FromDays(730), out var held);

        Assert.Equal([new DateOnly(2024, 1, 1)], purge);
        Assert.Equal(new DateOnly(2024, 1, 2), held);
    }

    [Fact]
    public void Select_WithinRetention_PurgesNothing()
    {
        DateOnly[] days = [new(2024, 1, 1), new(2024, 1, 2)];

        var purge = RetentionPlan.Select(days, [], Day0.AddDays(730), TimeSpan.FromDays(730), out _);

        Assert.Empty(purge);
    }

    private static async Task WriteThreeDaysAsync(string dataDirectory, ManualClock clock)
    {
        await using var ledger = MerkleTransferLedgerTests.Open(dataDirectory, clock);
        for (var day = 0; day < 3; day++)
        {
            clock.Now = Day0.AddDays(day);
            for (var i = 0; i < 10; i++)
            {
                await ledger.AppendAsync(TestTransfers.Create(clock.Now.AddSeconds(i)));
            }

            await ledger.FlushAsync();
        }
    }
}
