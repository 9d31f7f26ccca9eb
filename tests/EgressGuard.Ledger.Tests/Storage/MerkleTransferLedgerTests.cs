using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Storage;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

public sealed class MerkleTransferLedgerTests
{
    private static readonly TransferQuery All = new() { Limit = 1_000_000 };

    [Fact]
    public async Task AppendAsync_ManyConcurrentAppenders_QueryReturnsEveryRecordOnce()
    {
        const int appenders = 4;
        const int perAppender = 2_500;
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);

        // Distinct times, shuffled, so append order differs from time order.
        var offsets = Enumerable.Range(0, appenders * perAppender).ToArray();
        new Random(1234).Shuffle(offsets);
        var records = offsets.Select(o => TestTransfers.Create(TestTransfers.BaseTime.AddMilliseconds(o))).ToArray();

        var tasks = Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            for (var i = a; i < records.Length; i += appenders)
            {
                await ledger.AppendAsync(records[i]);
            }
        }));
        await Task.WhenAll(tasks);
        await ledger.FlushAsync();

        var result = ledger.Query(All);

        Assert.Equal(records.Length, result.Count);
        Assert.Equal(records.Select(r => r.Id).Order(), result.Select(r => r.Id).Order());
        Assert.Equal(0, ledger.Backlog);
    }

    [Fact]
    public async Task Query_RecordWithEveryField_ReadsBackEqual()
    {
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);
        var full = TestTransfers.Full();
        var minimal = TestTransfers.Minimal();

        await ledger.AppendAsync(full);
        await ledger.AppendAsync(minimal);
        await ledger.FlushAsync();
        var result = ledger.Query(All);

        Assert.Equal([full, minimal], result); // ledger order
        Assert.Equal(TimeSpan.Zero, result[0].Time.Offset); // stored and returned as UTC
    }

    [Fact]
    public async Task Query_SameTime_KeepsAppendOrder()
    {
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);
        var records = Enumerable.Range(0, 50).Select(_ => TestTransfers.Create(TestTransfers.BaseTime) with { Id = Guid.NewGuid() }).ToArray();

        foreach (var record in records)
        {
            await ledger.AppendAsync(record);
        }

        await ledger.FlushAsync();

        Assert.Equal(records.Select(r => r.Id), ledger.Query(All).Select(r => r.Id));
    }

    [Fact]
    public async Task DisposeAsync_ThenQueryExisting_ReturnsEveryRecordAppendedBeforeDispose()
    {
        using var dir = new TempDirectory();
        var records = Enumerable.Range(0, 1_000).Select(i => TestTransfers.Create(TestTransfers.BaseTime.AddSeconds(i))).ToArray();

        await using (var ledger = Open(dir))
        {
            foreach (var record in records)
            {
                await ledger.AppendAsync(record);
            }

            // No FlushAsync: dispose drains the queue.
        }

        var result = LedgerReader.QueryRecords(dir.Path, All);

        Assert.NotNull(result);
        Assert.Equal(records, result);
    }

    [Fact]
    public async Task Open_ExistingLedger_KeepsOldRecordsAndAppendsNewOnes()
    {
        using var dir = new TempDirectory();
        var first = Enumerable.Range(0, 3).Select(i => TestTransfers.Create(TestTransfers.BaseTime.AddMinutes(i))).ToArray();
        var second = Enumerable.Range(3, 2).Select(i => TestTransfers.Create(TestTransfers.BaseTime.AddMinutes(i))).ToArray();

        await using (var ledger = Open(dir))
        {
            foreach (var record in first)
            {
                await ledger.AppendAsync(record);
            }
        }

        Assert.Equal(first, LedgerReader.QueryRecords(dir.Path, All));

        await using (var ledger = Open(dir))
        {
            Assert.Equal(first, ledger.Query(All));
            foreach (var record in second)
            {
                await ledger.AppendAsync(record);
            }

            await ledger.FlushAsync();
            Assert.Equal([.. first, .. second], ledger.Query(All));
        }

        Assert.Equal([.. first, .. second], LedgerReader.QueryRecords(dir.Path, All));
    }

    [Fact]
    public async Task QueryExisting_WhileTheLedgerIsOpen_SeesCommittedRecords()
    {
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);
        var record = TestTransfers.Full();
        await ledger.AppendAsync(record);
        await ledger.FlushAsync();

        var result = LedgerReader.QueryRecords(dir.Path, All);

        Assert.Equal([record], result);
    }

    [Fact]
    public async Task AppendAsync_MoreThanQueueCapacity_LosesNothing()
    {
        var total = new LedgerOptions { DataDirectory = "." }.QueueCapacity + 5_000;
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);

        for (var i = 0; i < total; i++)
        {
            await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime.AddMilliseconds(i)));
        }

        await ledger.FlushAsync();
        var result = ledger.Query(All);

        Assert.Equal(total, result.Count);
        Assert.Equal(total, result.Select(r => r.Id).Distinct().Count());
        Assert.Equal(0, ledger.Backlog);
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeQueued_FlushStillCompletes()
    {
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);
        var kept = TestTransfers.Create(TestTransfers.BaseTime);
        await ledger.AppendAsync(kept);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime.AddSeconds(1)), new CancellationToken(canceled: true)));

        // Guard against a hang (the cancelled record must not be waited for); not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ledger.FlushAsync(guard.Token);

        Assert.Equal(0, ledger.Backlog);
        Assert.Equal([kept], ledger.Query(All));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Open_NewDirectory_CreatesLedgerFolderWithOwnerOnlyKeyAndFirstCheckpoint()
    {
        using var dir = new TempDirectory();
        var dataDirectory = Path.Combine(dir.Path, "data", "nested");

        await using (var ledger = MerkleTransferLedgerTests.Open(dataDirectory))
        {
            await ledger.FlushAsync();
            Assert.Empty(ledger.Query(All));
        }

        var key = LedgerFiles.SigningKeyPath(dataDirectory);
        Assert.True(File.Exists(key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        var checkpoints = LedgerReader.ReadCheckpoints(dataDirectory);
        Assert.NotEmpty(checkpoints);
        Assert.Equal(0UL, checkpoints[0].TreeSize);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Open_KeyReadableByOthers_IsRefused()
    {
        using var dir = new TempDirectory();
        await using (var ledger = Open(dir))
        {
            await ledger.FlushAsync();
        }

        File.SetUnixFileMode(LedgerFiles.SigningKeyPath(dir.Path), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var opened = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = dir.Path });

        Assert.Null(opened.Ledger);
        Assert.NotNull(opened.Error);
    }

    [Fact]
    public async Task Open_SecondWriterOnTheSameDirectory_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var first = Open(dir);

        var second = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = dir.Path });

        Assert.Null(second.Ledger);
        Assert.Contains("in use", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PathUnderARegularFile_ReturnsErrorInsteadOfThrowing()
    {
        using var dir = new TempDirectory();
        var blocker = dir.File("not-a-directory");
        File.WriteAllText(blocker, "x");

        var opened = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = Path.Combine(blocker, "data") });

        Assert.Null(opened.Ledger);
        Assert.NotNull(opened.Error);
        Assert.StartsWith("ledger '", opened.Error, StringComparison.Ordinal);
        Assert.Contains(blocker, opened.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CheckpointFileThatIsNotADatabase_ReturnsErrorInsteadOfThrowing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "ledger"));
        File.WriteAllText(Path.Combine(dir.Path, "ledger", "checkpoints.db"), new string('x', 4096));

        var opened = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = dir.Path });

        Assert.Null(opened.Ledger);
        Assert.Contains("not a database", opened.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_MissingDirectory_ReturnsNothingAndCreatesNothing()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "never-created");

        var result = LedgerReader.QueryRecords(missing, All);

        Assert.Empty(result);
        Assert.False(LedgerReader.Exists(missing));
        Assert.False(Directory.Exists(missing)); // a query never creates a ledger
    }

    [Fact]
    public void Open_RetentionUnderSixMonths_IsRefused()
    {
        using var dir = new TempDirectory();

        var opened = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = dir.Path, Retention = TimeSpan.FromDays(150) });

        Assert.Null(opened.Ledger);
        Assert.Contains("Ledger:Retention", opened.Error, StringComparison.Ordinal);
    }

    internal static MerkleTransferLedger Open(string dataDirectory, TimeProvider? time = null)
    {
        var opened = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = dataDirectory, Time = time ?? TimeProvider.System });
        Assert.True(opened.Ledger is not null, opened.Error);
        return opened.Ledger;
    }

    private static MerkleTransferLedger Open(TempDirectory dir) => Open(dir.Path);
}
