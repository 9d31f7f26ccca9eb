using System.Diagnostics;
using System.Globalization;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// Not a BenchmarkDotNet class: generates one UTC day of N records through the real store (timed),
/// reports bytes per record on disk, then times typical auditor queries on that day (each run three
/// times, the best kept). Run with <c>-- ledger-day 10000000 [DIR]</c>.
/// </summary>
internal static class LedgerDayQuery
{
    public static async Task RunAsync(int count, string? directory)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "egressguard-ledger-day");
        var records = LedgerCorpus.Records(100_000);
        var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var step = TimeSpan.FromDays(1) / count;
        if (!Directory.Exists(LedgerFiles.Directory(directory)))
        {
            var clock = Stopwatch.StartNew();
            await using (var ledger = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = directory, Origin = LedgerCorpus.Origin }).Ledger!)
            {
                for (var i = 0; i < count; i++)
                {
                    await ledger.AppendAsync(records[i % records.Length] with { Id = Guid.CreateVersion7(), Time = day + (step * i) });
                }

                await ledger.FlushAsync();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {count:N0} records in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:N0} records/s through the store)"));
        }

        long bytes = 0;
        foreach (var file in Directory.EnumerateFiles(LedgerFiles.Directory(directory), "????-??-??.db*"))
        {
            bytes += new FileInfo(file).Length;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"on disk: {bytes:N0} bytes = {(double)bytes / count:F0} bytes/record (partition files incl. indexes)"));
        var host = records[7].Host;
        var client = records[3].Client;
        (string Name, TransferQuery Query)[] queries =
        [
            ("first page, whole day (limit 1000)", new TransferQuery { From = day, To = day.AddDays(1), Limit = 1000 }),
            ("one hour (14:00-15:00), limit 1000", new TransferQuery { From = day.AddHours(14), To = day.AddHours(15), Limit = 1000 }),
            ($"host={host}, whole day, limit 1000", new TransferQuery { From = day, To = day.AddDays(1), Host = host, Limit = 1000 }),
            ($"client={client}, decision=Block, limit 1000", new TransferQuery { Client = client, Decision = TransferVerdict.Block, Limit = 1000 }),
            ("country=US reason=NoAssessment, page after seq 5,000,000", new TransferQuery { Country = "US", Reason = ReasonCode.NoAssessment, AfterSequence = 5_000_000, Limit = 1000 }),
            ("rare: reason=TunnelLimitReached (full index lookup)", new TransferQuery { Reason = ReasonCode.TunnelLimitReached, Limit = 1000 }),
        ];
        foreach (var (name, query) in queries)
        {
            var best = TimeSpan.MaxValue;
            var rows = 0;
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                rows = LedgerReader.Query(directory, query).Records.Count;
                best = clock.Elapsed < best ? clock.Elapsed : best;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {rows} rows in {best.TotalMilliseconds:F1} ms"));
        }
    }
}
