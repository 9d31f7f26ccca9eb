using System.Text;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Export;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Storage;
using EgressGuard.Ledger.Verification;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>
/// Tampering with real files the store wrote (SQL on the partition file, bytes of the file, lines of
/// an export), each caught by verify with what is wrong. 600 records, a checkpoint every 100.
/// </summary>
public sealed class TamperTests
{
    private const int Count = 600;

    [Fact]
    public async Task Verify_UntouchedStore_Succeeds()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);

        var report = StoreSamples.Verify(dir.Path);

        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal((ulong)Count, report.RecordsChecked);
        Assert.True(report.CheckpointsChecked >= 7); // start (size 0), one per 100, shutdown
        Assert.Equal(0UL, report.UncoveredRecords);
        Assert.Equal(TestTransfers.BaseTime, report.FirstTime);
    }

    [Fact]
    public async Task Verify_OneFieldOfOneRowChangedInTheHashedBytes_NamesTheRecord()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var partition = StoreSamples.Partition(dir.Path);
        var canon = StoreSamples.Canon(partition, 250);
        var edited = Replace(canon, "host250.example.com", "evil250.example.com");
        StoreSamples.Sql(partition, "UPDATE entries SET canon = $c, host = 'evil250.example.com' WHERE seq = 250", ("$c", edited));

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Modified, report.Failure?.Kind);
        Assert.Equal(250UL, report.Failure!.Sequence);
    }

    [Fact]
    public async Task Verify_RowChangedAndItsLeafHashRecomputed_NamesTheCheckpointRange()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var partition = StoreSamples.Partition(dir.Path);
        var edited = Replace(StoreSamples.Canon(partition, 250), "host250.example.com", "evil250.example.com");
        StoreSamples.Sql(partition, "UPDATE entries SET canon = $c, host = 'evil250.example.com', leaf = $l WHERE seq = 250",
            ("$c", edited), ("$l", TreeHasher.HashLeaf(edited).ToArray()));

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Modified, report.Failure?.Kind);
        Assert.Equal(200UL, report.Failure!.Sequence);
        Assert.Equal(299UL, report.Failure.LastSequence);
    }

    [Fact]
    public async Task Verify_OnlyTheIndexedColumnChanged_NamesTheRecordAndColumn()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        StoreSamples.Sql(StoreSamples.Partition(dir.Path), "UPDATE entries SET client = '10.9.9.9' WHERE seq = 42");

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Modified, report.Failure?.Kind);
        Assert.Equal(42UL, report.Failure!.Sequence);
        Assert.Contains("'client'", report.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RowDeleted_ReportsDeletedAtThatSequence()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        StoreSamples.Sql(StoreSamples.Partition(dir.Path), "DELETE FROM entries WHERE seq = 333");

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Deleted, report.Failure?.Kind);
        Assert.Equal(333UL, report.Failure!.Sequence);
    }

    [Fact]
    public async Task Verify_RowInsertedAndLaterRowsRenumbered_IsDetectedAtTheInsertion()
    {
        using var dir = new TempDirectory();
        var records = await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var partition = StoreSamples.Partition(dir.Path);
        var forged = CanonicalEncoder.Encode(150, records[150] with { Id = Guid.CreateVersion7(), Host = "forged.example.com" });
        StoreSamples.Sql(partition, "UPDATE entries SET seq = -seq - 1 WHERE seq >= 150; UPDATE entries SET seq = -seq WHERE seq < 0;");
        StoreSamples.Sql(partition,
            "INSERT INTO entries (seq, kind, time_us, client, host, country, decision, reason, assessment_id, pi, canon, leaf) " +
            "SELECT 150, kind, time_us, client, 'forged.example.com', country, decision, reason, assessment_id, pi, $c, $l FROM entries WHERE seq = 151",
            ("$c", forged), ("$l", TreeHasher.HashLeaf(forged).ToArray()));

        var report = StoreSamples.Verify(dir.Path);

        Assert.False(report.Succeeded);
        Assert.Contains(report.Failure!.Kind, new[] { LedgerFailureKind.Reordered, LedgerFailureKind.Modified, LedgerFailureKind.Inserted });
        Assert.InRange(report.Failure.Sequence!.Value, 100UL, 151UL);
    }

    [Fact]
    public async Task Verify_TwoRowsSwapped_ReportsReordered()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        StoreSamples.Sql(StoreSamples.Partition(dir.Path),
            "UPDATE entries SET seq = -1 WHERE seq = 200; UPDATE entries SET seq = 200 WHERE seq = 201; UPDATE entries SET seq = 201 WHERE seq = -1;");

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Reordered, report.Failure?.Kind);
        Assert.Equal(200UL, report.Failure!.Sequence);
    }

    [Fact]
    public async Task Verify_PartitionFileTruncated_Fails()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var partition = StoreSamples.Partition(dir.Path);
        using (var file = new FileStream(partition, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length / 2);
        }

        var report = StoreSamples.Verify(dir.Path);

        Assert.False(report.Succeeded);
        Assert.Contains(report.Failure!.Kind, new[] { LedgerFailureKind.MalformedRecord, LedgerFailureKind.Truncated, LedgerFailureKind.Deleted });
    }

    [Fact]
    public async Task Verify_LastRowsRemoved_ReportsTruncated()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        StoreSamples.Sql(StoreSamples.Partition(dir.Path), "DELETE FROM entries WHERE seq >= 550");

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Truncated, report.Failure?.Kind);
        Assert.Equal(550UL, report.Failure!.Sequence);
    }

    [Fact]
    public async Task Verify_CheckpointDropped_ReportsMissingCheckpoint()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        StoreSamples.Sql(LedgerFiles.CheckpointsPath(dir.Path), "DELETE FROM checkpoints WHERE number = 3");

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.MissingCheckpoint, report.Failure?.Kind);
        Assert.Equal(4UL, report.Failure!.CheckpointNumber);
    }

    [Theory]
    [InlineData("DELETE FROM entries WHERE seq >= 140", false)]
    [InlineData("DELETE FROM entries WHERE seq = 120", true)]
    [InlineData("UPDATE entries SET client = '10.6.6.6' WHERE seq = 130", true)]
    public async Task Open_TailEditedWhileStopped_RefusesToAppendAndSaysWhy(string sql, bool crashBeforeLastCheckpoint)
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 150, 100);
        if (crashBeforeLastCheckpoint)
        {
            // As after kill -9: the last records are not yet covered by a checkpoint.
            StoreSamples.Sql(LedgerFiles.CheckpointsPath(dir.Path), "DELETE FROM checkpoints WHERE tree_size = 150");
        }

        StoreSamples.Sql(StoreSamples.Partition(dir.Path), sql);

        await using var ledger = MerkleTransferLedgerTests.Open(dir.Path);

        Assert.NotNull(ledger.TailError);
        Assert.False(ledger.IsAvailable);
        Assert.False(ledger.TryAppend(TestTransfers.Create(TestTransfers.BaseTime)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime)));
    }

    [Fact]
    public async Task Open_AfterCleanShutdown_ResumesTheTreeAndTheWholeLogVerifies()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 150, 100);
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            Assert.Null(ledger.TailError);
            Assert.Equal(150UL, ledger.Size);
            await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime.AddDays(1)));
            await ledger.FlushAsync();
            Assert.Equal(151UL, ledger.Size);
        }

        var report = StoreSamples.Verify(dir.Path);

        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(151UL, report.RecordsChecked);
    }

    [Theory]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Jsonl)]
    [InlineData(ExportFormat.Parquet)]
    public async Task VerifyExport_Untouched_Succeeds(ExportFormat format)
    {
        using var dir = new TempDirectory();
        var records = await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var outDir = dir.File("export");

        var result = Export(dir.Path, outDir, format);
        var verification = ExportVerifier.Verify(outDir, StoreSamples.PublicKey(dir.Path));

        Assert.Null(result.Error);
        Assert.True(verification.Succeeded, verification.Error ?? verification.Report?.Failure?.Message);
        Assert.Equal((ulong)Count, verification.Report!.RecordsChecked);
        Assert.Equal(records[0].Time, verification.Report.FirstTime);
    }

    [Theory]
    [InlineData(ExportFormat.Csv, "entries.csv")]
    [InlineData(ExportFormat.Jsonl, "entries.jsonl")]
    public async Task VerifyExport_OneLineEdited_Fails(ExportFormat format, string file)
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var outDir = dir.File("export");
        Export(dir.Path, outDir, format);
        var path = Path.Combine(outDir, file);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("host321.example.com", "host999.example.com", StringComparison.Ordinal));

        var verification = ExportVerifier.Verify(outDir, StoreSamples.PublicKey(dir.Path));

        Assert.False(verification.Succeeded);
        Assert.Equal(LedgerFailureKind.Modified, verification.Report!.Failure!.Kind);
        Assert.Equal(300UL, verification.Report.Failure.Sequence);
        Assert.Equal(399UL, verification.Report.Failure.LastSequence);
    }

    [Fact]
    public async Task VerifyExport_ParquetRewrittenWithOneValueChanged_NamesTheBlock()
    {
        // What a forger with a Parquet library does: read the file, change one host, write it back.
        var verification = await VerifyRewrittenParquetAsync(entries => [.. entries.Select(e =>
            e.Transfer is { Host: "host321.example.com" } t ? e with { Transfer = t with { Host = "host999.example.com" } } : e)]);

        Assert.False(verification.Succeeded);
        Assert.Equal(LedgerFailureKind.Modified, verification.Report!.Failure!.Kind);
        Assert.Equal(300UL, verification.Report.Failure.Sequence);
        Assert.Equal(399UL, verification.Report.Failure.LastSequence);
    }

    [Fact]
    public async Task VerifyExport_ParquetRowDropped_ReportsDeleted()
    {
        var verification = await VerifyRewrittenParquetAsync(entries => [.. entries.Where(e => e.Sequence != 77)]);

        Assert.Equal(LedgerFailureKind.Deleted, verification.Report!.Failure!.Kind);
        Assert.Equal(77UL, verification.Report.Failure.Sequence);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public async Task VerifyExport_BrokenParquetFile_IsAClearFailureNotACrash(string damage)
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var outDir = dir.File("export");
        Export(dir.Path, outDir, ExportFormat.Parquet);
        var path = Path.Combine(outDir, "entries.parquet");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "garbage" => [.. Enumerable.Range(0, bytes.Length).Select(i => (byte)(i * 131 + 7))],
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [],
        });

        var verification = ExportVerifier.Verify(outDir, StoreSamples.PublicKey(dir.Path));

        Assert.False(verification.Succeeded);
        Assert.NotNull(verification.Error ?? verification.Report?.Failure?.Message);
    }

    [Fact]
    public async Task VerifyExport_LineDeleted_ReportsDeleted()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var outDir = dir.File("export");
        Export(dir.Path, outDir, ExportFormat.Jsonl);
        var path = Path.Combine(outDir, "entries.jsonl");
        var lines = File.ReadAllLines(path).ToList();
        lines.RemoveAt(77);
        File.WriteAllLines(path, lines);

        var verification = ExportVerifier.Verify(outDir, StoreSamples.PublicKey(dir.Path));

        Assert.Equal(LedgerFailureKind.Deleted, verification.Report!.Failure!.Kind);
        Assert.Equal(77UL, verification.Report.Failure.Sequence);
    }

    [Fact]
    public async Task VerifyExport_WithAnotherKey_FailsOnTheSignature()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 50, 100);
        var outDir = dir.File("export");
        Export(dir.Path, outDir, ExportFormat.Jsonl);
        using var stranger = EgressGuard.Ledger.Checkpoints.CheckpointSigningKey.Generate(new LedgerOptions { DataDirectory = "." }.Origin);

        var verification = ExportVerifier.Verify(outDir, stranger.PublicKey);

        Assert.False(verification.Succeeded);
        Assert.Equal(LedgerFailureKind.BadSignature, verification.Report!.Failure!.Kind);
    }

    [Fact]
    public async Task Export_FormulaLikeValues_RoundTripThroughTheCsvGuard()
    {
        using var dir = new TempDirectory();
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            foreach (var host in (string[])["=cmd|' /C calc'!A0", "+1+2", "-1", "@SUM(A1)", "'quoted", "plain", "a,b\"c\nd"])
            {
                await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime, host: host) with { Method = string.Empty });
            }

            await ledger.FlushAsync();
        }

        var outDir = dir.File("export");
        Export(dir.Path, outDir, ExportFormat.Csv);
        var csv = File.ReadAllText(Path.Combine(outDir, "entries.csv"));
        var verification = ExportVerifier.Verify(outDir, StoreSamples.PublicKey(dir.Path));

        Assert.Contains("\"'=cmd|' /C calc'!A0\"", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=cmd", csv, StringComparison.Ordinal);
        Assert.True(verification.Succeeded, verification.Error ?? verification.Report?.Failure?.Message);
        Assert.Equal(7UL, verification.Report!.RecordsChecked);
    }

    private static ExportResult Export(string dataDirectory, string outDir, ExportFormat format)
    {
        var origin = new LedgerOptions { DataDirectory = dataDirectory }.Origin;
        var keys = LedgerStoreVerifier.LoadTrustedKeys(dataDirectory, origin, out _);
        var result = LedgerExporter.Export(dataDirectory, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddDays(-2), format, outDir, keys, origin);
        Assert.Null(result.Error);
        return result;
    }

    /// <summary>Exports the sample store as Parquet, rewrites the file with <paramref name="change"/> applied, and verifies the export.</summary>
    private static async Task<ExportVerification> VerifyRewrittenParquetAsync(Func<IEnumerable<LedgerEntry>, List<LedgerEntry>> change)
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, Count, 100);
        var outDir = dir.File("export");
        Export(dir.Path, outDir, ExportFormat.Parquet);
        RewriteParquet(Path.Combine(outDir, "entries.parquet"), change);
        return ExportVerifier.Verify(outDir, StoreSamples.PublicKey(dir.Path));
    }

    private static void RewriteParquet(string path, Func<IEnumerable<LedgerEntry>, List<LedgerEntry>> change)
    {
        List<LedgerEntry> entries;
        var error = new string?[1];
        using (var read = File.OpenRead(path))
        {
            entries = change(ParquetExport.Read(read, error).ToList());
        }

        Assert.Null(error[0]);
        using var output = File.Create(path);
        using (var writer = new ParquetExport.Writer(output))
        {
            foreach (var entry in entries)
            {
                writer.Add(entry);
            }

            writer.Complete();
        }
    }

    private static byte[] Replace(byte[] data, string from, string to)
    {
        var text = Encoding.Latin1.GetString(data);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }
}
