using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>
/// The open day's partition has no filter indexes (they are built when the day closes): queries on
/// the open day must find exactly what they find once the indexes exist, and a closed day whose build
/// never finished gets its indexes at the next start.
/// </summary>
public sealed class PartitionIndexTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Filters => ["host", "client", "country", "decision+reason", "reason", "assessment", "pi", "hour"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Query_OpenDayWithoutFilterIndexes_FindsTheSameAsAfterTheDayClosed(string filter)
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock(Day0);
        var records = Varied(Day0, 240);
        var query = QueryFor(filter);
        var expected = records.Where(r => Matches(filter, r)).Select(r => r.Id).ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < records.Count);

        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            foreach (var record in records)
            {
                await ledger.AppendAsync(record);
            }

            await ledger.FlushAsync();
            var day0 = LedgerFiles.PartitionPath(dir.Path, DateOnly.FromDateTime(Day0.UtcDateTime));
            Assert.False(PartitionIndexer.HasIndexes(day0));
            Assert.Equal(expected, ledger.Query(query).Select(r => r.Id).ToList());

            // The day rolls over: the closed day gets its indexes, the new open day has none.
            clock.Now = Day0.AddDays(1);
            await ledger.AppendAsync(TestTransfers.Create(clock.Now, host: "next-day.example.com"));
            await ledger.FlushAsync();
            await ledger.ClosedPartitionsIndexed;
            Assert.True(PartitionIndexer.HasIndexes(day0));
            Assert.False(PartitionIndexer.HasIndexes(LedgerFiles.PartitionPath(dir.Path, DateOnly.FromDateTime(clock.Now.UtcDateTime))));
            Assert.Equal(expected, ledger.Query(query with { To = query.To ?? Day0.AddHours(20) }).Select(r => r.Id).ToList());
        }

        Assert.True(StoreSamples.Verify(dir.Path).Succeeded);
    }

    [Fact]
    public async Task Open_ClosedDayWhoseIndexBuildNeverFinished_BuildsItAndStillVerifies()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock(Day0);
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            foreach (var record in Varied(Day0, 50))
            {
                await ledger.AppendAsync(record);
            }

            await ledger.FlushAsync();
            clock.Now = Day0.AddDays(1);
            await ledger.AppendAsync(TestTransfers.Create(clock.Now));
            await ledger.FlushAsync();
            await ledger.ClosedPartitionsIndexed;
        }

        // As after a crash in the middle of the build: the closed day has none of its filter indexes.
        var day0 = LedgerFiles.PartitionPath(dir.Path, DateOnly.FromDateTime(Day0.UtcDateTime));
        foreach (var index in LedgerSchema.ClosedPartitionIndexNames)
        {
            StoreSamples.Sql(day0, "DROP INDEX " + index);
        }

        Assert.False(PartitionIndexer.HasIndexes(day0));
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            await ledger.ClosedPartitionsIndexed;
            Assert.True(PartitionIndexer.HasIndexes(day0));
            Assert.Equal(25, ledger.Query(new TransferQuery { Country = "US" }).Count);
        }

        Assert.True(StoreSamples.Verify(dir.Path).Succeeded);
    }

    private static List<TransferRecord> Varied(DateTimeOffset start, int count)
    {
        var list = new List<TransferRecord>();
        for (var i = 0; i < count; i++)
        {
            var outbound = i % 2 == 0;
            var record = TestTransfers.Create(
                start.AddMinutes(i),
                decision: i % 5 == 0 ? TransferVerdict.Block : TransferVerdict.Allow,
                reason: i % 5 == 0 ? ReasonCode.NoAssessment : outbound ? ReasonCode.CoveredByAssessment : ReasonCode.Domestic,
                country: outbound ? "US" : "CN",
                client: "10.0.0." + (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture),
                host: "host" + (i % 11).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".example.com");
            list.Add(record with
            {
                AssessmentId = outbound && i % 5 != 0 ? "SCC-" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                Findings = i % 4 == 0 ? [new FindingSummary("email", 1, false, "a***@example.com")] : [],
            });
        }

        return list;
    }

    private static TransferQuery QueryFor(string filter) => filter switch
    {
        "host" => new TransferQuery { Host = "host3.example.com" },
        "client" => new TransferQuery { Client = "10.0.0.4" },
        "country" => new TransferQuery { Country = "US" },
        "decision+reason" => new TransferQuery { Decision = TransferVerdict.Block, Reason = ReasonCode.NoAssessment },
        "reason" => new TransferQuery { Reason = ReasonCode.CoveredByAssessment },
        "assessment" => new TransferQuery { AssessmentId = "SCC-1" },
        "pi" => new TransferQuery { PiType = "email" },
        _ => new TransferQuery { From = Day0.AddHours(1), To = Day0.AddHours(2) },
    };

    private static bool Matches(string filter, TransferRecord r) => filter switch
    {
        "host" => r.Host == "host3.example.com",
        "client" => r.Client == "10.0.0.4",
        "country" => r.Country == "US",
        "decision+reason" => r.Decision == TransferVerdict.Block && r.Reason == ReasonCode.NoAssessment,
        "reason" => r.Reason == ReasonCode.CoveredByAssessment,
        "assessment" => r.AssessmentId == "SCC-1",
        "pi" => r.Findings.Count > 0,
        _ => r.Time >= Day0.AddHours(1) && r.Time < Day0.AddHours(2),
    };
}
