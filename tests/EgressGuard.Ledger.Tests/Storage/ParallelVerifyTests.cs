using EgressGuard.Ledger.Storage;
using EgressGuard.Ledger.Verification;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>
/// The live-store verify reads its rows on several threads, chunk by chunk (ParallelPartitionScan).
/// Each tampered store (real files the store wrote, edited as an intruder would) is verified with one
/// reader over whole partitions — the sequential scan — and with several readers over chunks as small
/// as one sequence number: the report must be the same (same failure, same record, same message, same
/// counts and root), and the failure the one the tamper tests expect. 600 records, a checkpoint every 100.
/// </summary>
public sealed class ParallelVerifyTests
{
    private const int Count = 600;

    // (readers, sequence numbers per chunk): chunk edges fall on, before and after the edited rows.
    private static readonly (int Readers, long ChunkRows)[] Shapes = [(2, 1), (2, 7), (3, 64), (2, 100), (4, 250), (2, 16_384)];

    public static TheoryData<string> Tampers => ["untouched", "field", "column", "last-column", "deleted", "swapped", "cut-short", "far-sequence"];

    [Theory]
    [MemberData(nameof(Tampers))]
    public async Task Verify_ChunkedOnSeveralReaders_ReportsExactlyWhatTheSequentialScanReports(string tamper)
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var partition = StoreSamples.Partition(dir.Path);
        Apply(tamper, partition);
        var keys = LedgerStoreVerifier.LoadTrustedKeys(dir.Path, new LedgerOptions { DataDirectory = dir.Path }.Origin, out _);

        var sequential = LedgerStoreVerifier.Verify(dir.Path, keys, null, readers: 1, chunkRows: long.MaxValue);
        AssertExpected(tamper, sequential);
        foreach (var (readers, chunkRows) in Shapes)
        {
            var chunked = LedgerStoreVerifier.Verify(dir.Path, keys, null, readers, chunkRows);
            var shape = $"{readers} readers, chunks of {chunkRows}";
            Assert.True(sequential.Failure?.Kind == chunked.Failure?.Kind, $"{shape}: {chunked.Failure?.Message}");
            Assert.Equal(sequential.Failure?.Sequence, chunked.Failure?.Sequence);
            Assert.Equal(sequential.Failure?.LastSequence, chunked.Failure?.LastSequence);
            Assert.Equal(sequential.Failure?.CheckpointIndex, chunked.Failure?.CheckpointIndex);
            Assert.Equal(sequential.Failure?.Message, chunked.Failure?.Message);
            Assert.Equal(sequential.RecordsChecked, chunked.RecordsChecked);
            Assert.Equal(sequential.CheckpointsChecked, chunked.CheckpointsChecked);
            Assert.Equal(sequential.TreeSize, chunked.TreeSize);
            Assert.Equal(sequential.RootHash, chunked.RootHash);
        }
    }

    [Fact]
    public async Task Verify_PartitionFileTruncated_FailsWithEveryShape()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        using (var file = new FileStream(StoreSamples.Partition(dir.Path), FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length / 2);
        }

        var keys = LedgerStoreVerifier.LoadTrustedKeys(dir.Path, new LedgerOptions { DataDirectory = dir.Path }.Origin, out _);
        foreach (var (readers, chunkRows) in Shapes)
        {
            var report = LedgerStoreVerifier.Verify(dir.Path, keys, null, readers, chunkRows);
            Assert.False(report.Succeeded);
            Assert.Contains(report.Failure!.Kind, new[] { LedgerFailureKind.MalformedRecord, LedgerFailureKind.Truncated, LedgerFailureKind.Deleted });
        }
    }

    [Fact]
    public async Task Verify_StopsEarly_ReturnsEveryPooledBatchAndCanRunAgain()
    {
        // A failure at the first record while readers are chunks ahead: they are stopped and joined.
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        StoreSamples.Sql(StoreSamples.Partition(dir.Path), "UPDATE entries SET client = '10.9.9.9' WHERE seq = 0");
        var keys = LedgerStoreVerifier.LoadTrustedKeys(dir.Path, new LedgerOptions { DataDirectory = dir.Path }.Origin, out _);

        for (var run = 0; run < 20; run++)
        {
            var report = LedgerStoreVerifier.Verify(dir.Path, keys, null, readers: 3, chunkRows: 5);
            Assert.Equal(LedgerFailureKind.Modified, report.Failure?.Kind);
            Assert.Equal(0UL, report.Failure!.Sequence);
        }
    }

    private static void Apply(string tamper, string partition)
    {
        switch (tamper)
        {
            case "field":
                var edited = StoreSamples.Canon(partition, 250);
                var at = edited.AsSpan().IndexOf("host250.example.com"u8);
                "evil"u8.CopyTo(edited.AsSpan(at));
                StoreSamples.Sql(partition, "UPDATE entries SET canon = $c, host = 'evil250.example.com' WHERE seq = 250", ("$c", edited));
                break;
            case "column":
                StoreSamples.Sql(partition, "UPDATE entries SET client = '10.9.9.9' WHERE seq = 42");
                break;
            case "last-column":
                StoreSamples.Sql(partition, "UPDATE entries SET country = 'ZZ' WHERE seq = 599");
                break;
            case "deleted":
                StoreSamples.Sql(partition, "DELETE FROM entries WHERE seq = 333");
                break;
            case "swapped":
                StoreSamples.Sql(partition, "UPDATE entries SET seq = -1 WHERE seq = 200; UPDATE entries SET seq = 200 WHERE seq = 201; UPDATE entries SET seq = 201 WHERE seq = -1;");
                break;
            case "cut-short":
                StoreSamples.Sql(partition, "DELETE FROM entries WHERE seq >= 550");
                break;
            case "far-sequence":
                // A copy of the last row under a sequence number far beyond the file: the partition stays one chunk.
                StoreSamples.Sql(partition,
                    "INSERT INTO entries (seq, kind, time_us, client, host, country, decision, reason, assessment_id, pi, canon, leaf) " +
                    "SELECT 1000000000000, kind, time_us, client, host, country, decision, reason, assessment_id, pi, canon, leaf FROM entries WHERE seq = 599");
                break;
        }
    }

    private static void AssertExpected(string tamper, LedgerVerificationReport report)
    {
        switch (tamper)
        {
            case "untouched":
                Assert.True(report.Succeeded, report.Failure?.Message);
                Assert.Equal((ulong)Count, report.RecordsChecked);
                break;
            case "field":
                Assert.Equal((LedgerFailureKind.Modified, 250UL), (report.Failure!.Kind, report.Failure.Sequence!.Value));
                break;
            case "column":
                Assert.Equal((LedgerFailureKind.Modified, 42UL), (report.Failure!.Kind, report.Failure.Sequence!.Value));
                Assert.Contains("'client'", report.Failure.Message, StringComparison.Ordinal);
                break;
            case "last-column":
                Assert.Equal((LedgerFailureKind.Modified, 599UL), (report.Failure!.Kind, report.Failure.Sequence!.Value));
                Assert.Contains("'country'", report.Failure.Message, StringComparison.Ordinal);
                break;
            case "deleted":
                Assert.Equal((LedgerFailureKind.Deleted, 333UL), (report.Failure!.Kind, report.Failure.Sequence!.Value));
                break;
            case "swapped":
                Assert.Equal((LedgerFailureKind.Reordered, 200UL), (report.Failure!.Kind, report.Failure.Sequence!.Value));
                break;
            case "cut-short":
                Assert.Equal((LedgerFailureKind.Truncated, 550UL), (report.Failure!.Kind, report.Failure.Sequence!.Value));
                break;
            default:
                Assert.False(report.Succeeded);
                break;
        }
    }
}
