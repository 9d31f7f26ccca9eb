using EgressGuard.Ledger.Verification;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>
/// Every filter column verify cross-checks against the hashed bytes: an intruder who edits one (so
/// queries find or miss the wrong rows) is named with the record and the column, whatever the
/// column's type or case; hosts and countries outside ASCII are compared exactly as the writer stored them.
/// </summary>
public sealed class ColumnTamperTests
{
    [Fact]
    public void ColumnReads_OnThisMachine_UseTheDirectPath()
    {
        // The verify rate assumes the function-pointer reads (Microsoft.Data.Sqlite's e_sqlite3 bundle).
        Assert.True(EgressGuard.Ledger.Storage.SqliteRow.IsNative);
    }

    [Theory]
    [InlineData("host = 'HOST7.example.com'", "host")]
    [InlineData("host = NULL", "host")]
    [InlineData("country = 'cn'", "country")]
    [InlineData("country = NULL", "country")]
    [InlineData("decision = 1", "decision")]
    [InlineData("reason = '3'", "reason")]
    [InlineData("assessment_id = 'SCC-1'", "assessment_id")]
    [InlineData("pi = ',email,'", "pi")]
    [InlineData("kind = 2", "kind")]
    [InlineData("time_us = time_us + 1", "time_us")]
    [InlineData("client = 10", "client")]
    public async Task Verify_OneFilterColumnEdited_NamesTheRecordAndTheColumn(string assignment, string column)
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 20, 20);
        StoreSamples.Sql(StoreSamples.Partition(dir.Path), "UPDATE entries SET " + assignment + " WHERE seq = 7");

        var report = StoreSamples.Verify(dir.Path);

        Assert.Equal(LedgerFailureKind.Modified, report.Failure?.Kind);
        Assert.Equal(7UL, report.Failure!.Sequence);
        Assert.Contains($"column '{column}'", report.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NonAsciiHostAndCountry_VerifiesAndAnEditIsStillFound()
    {
        using var dir = new TempDirectory();
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime, host: "ASCII.Example.COM"));
            await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime.AddSeconds(1), country: "us", host: "Straße.İstanbul.例え.JP"));
            await ledger.FlushAsync();
        }

        Assert.True(StoreSamples.Verify(dir.Path).Succeeded, StoreSamples.Verify(dir.Path).Failure?.Message);

        StoreSamples.Sql(StoreSamples.Partition(dir.Path), "UPDATE entries SET host = 'strasse.istanbul.例え.jp' WHERE seq = 1");
        var report = StoreSamples.Verify(dir.Path);
        Assert.Equal(LedgerFailureKind.Modified, report.Failure?.Kind);
        Assert.Equal(1UL, report.Failure!.Sequence);
        Assert.Contains("column 'host'", report.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LoneSurrogatesAndEmptyHost_StoredAsTheHashedBytesSayAndVerify()
    {
        using var dir = new TempDirectory();
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime, client: "10.0.0.1\uD800", host: "bad\uDC00host.example.com"));
            await ledger.AppendAsync(TestTransfers.Minimal());
            await ledger.FlushAsync();
            Assert.Single(ledger.Query(new EgressGuard.Ledger.Query.TransferQuery { Client = "10.0.0.1\uFFFD" }));
            Assert.Single(ledger.Query(new EgressGuard.Ledger.Query.TransferQuery { Host = string.Empty }));
        }

        var report = StoreSamples.Verify(dir.Path);
        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(2UL, report.RecordsChecked);
    }
}
