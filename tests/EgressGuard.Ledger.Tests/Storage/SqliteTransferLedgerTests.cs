using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Storage;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

public sealed class SqliteTransferLedgerTests
{
    private static readonly TransferQuery All = new() { Limit = 1_000_000 };

    [Fact]
    public async Task AppendAsync_ManyConcurrentAppenders_QueryReturnsAllInTimeOrder()
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
        Assert.Equal(records.OrderBy(r => r.Time).Select(r => r.Id), result.Select(r => r.Id));
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

        Assert.Equal([minimal, full], result);
        Assert.Equal(TimeSpan.Zero, result[1].Time.Offset); // stored and returned as UTC
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

        var result = SqliteTransferLedger.QueryExisting(dir.Path, All, out var error);

        Assert.Null(error);
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

        Assert.Equal(first, SqliteTransferLedger.QueryExisting(dir.Path, All, out _));

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

        Assert.Equal([.. first, .. second], SqliteTransferLedger.QueryExisting(dir.Path, All, out _));
    }

    [Fact]
    public async Task QueryExisting_WhileTheLedgerIsOpen_SeesCommittedRecords()
    {
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);
        var record = TestTransfers.Full();
        await ledger.AppendAsync(record);
        await ledger.FlushAsync();

        var result = SqliteTransferLedger.QueryExisting(dir.Path, All, out var error);

        Assert.Null(error);
        Assert.Equal([record], result);
    }

    [Fact]
    public async Task AppendAsync_MoreThanQueueCapacity_LosesNothing()
    {
        var total = SqliteTransferLedger.QueueCapacity + 5_000;
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
    public async Task AppendAsync_DuplicateId_WriterFailureIsReportedNotSwallowed()
    {
        using var dir = new TempDirectory();
        await using var ledger = Open(dir);
        var record = TestTransfers.Create(TestTransfers.BaseTime);

        await ledger.AppendAsync(record);
        await ledger.FlushAsync();
        await ledger.AppendAsync(record with { Time = TestTransfers.BaseTime.AddSeconds(1) });

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.FlushAsync(guard.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime.AddSeconds(2))));
        Assert.Equal([record], ledger.Query(All));
    }

    [Fact]
    public async Task Open_NewDirectory_CreatesTheDatabaseUnderLedger()
    {
        using var dir = new TempDirectory();
        var dataDirectory = Path.Combine(dir.Path, "data", "nested");

        var ledger = SqliteTransferLedger.Open(dataDirectory, out var error);
        try
        {
            Assert.Null(error);
            Assert.NotNull(ledger);
            Assert.Equal(Path.Combine(dataDirectory, "ledger", "transfers.db"), ledger.Path);
            Assert.True(File.Exists(ledger.Path));
            Assert.Empty(ledger.Query(All));
        }
        finally
        {
            if (ledger is not null)
            {
                await ledger.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Open_PathUnderARegularFile_ReturnsErrorInsteadOfThrowing()
    {
        using var dir = new TempDirectory();
        var blocker = dir.File("not-a-directory");
        File.WriteAllText(blocker, "x");

        var ledger = SqliteTransferLedger.Open(Path.Combine(blocker, "data"), out var error);

        Assert.Null(ledger);
        Assert.NotNull(error);
        Assert.StartsWith("ledger '", error, StringComparison.Ordinal);
        Assert.Contains(blocker, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FileThatIsNotADatabase_ReturnsErrorInsteadOfThrowing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "ledger"));
        File.WriteAllText(Path.Combine(dir.Path, "ledger", "transfers.db"), new string('x', 4096));

        var ledger = SqliteTransferLedger.Open(dir.Path, out var error);

        Assert.Null(ledger);
        Assert.NotNull(error);
        Assert.Contains("transfers.db", error, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryExisting_MissingDirectory_ReturnsErrorInsteadOfThrowing()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "never-created");

        var result = SqliteTransferLedger.QueryExisting(missing, All, out var error);

        Assert.Null(result);
        Assert.NotNull(error);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Contains("not found", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing)); // a query never creates a ledger
    }

    [Fact]
    public void QueryExisting_FileThatIsNotADatabase_ReturnsErrorInsteadOfThrowing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "ledger"));
        File.WriteAllText(Path.Combine(dir.Path, "ledger", "transfers.db"), new string('x', 4096));

        var result = SqliteTransferLedger.QueryExisting(dir.Path, All, out var error);

        Assert.Null(result);
        Assert.NotNull(error);
        Assert.Contains("transfers.db", error, StringComparison.Ordinal);
    }

    private static SqliteTransferLedger Open(TempDirectory dir)
    {
        var ledger = SqliteTransferLedger.Open(dir.Path, out var error);
        Assert.True(ledger is not null, error);
        return ledger;
    }
}
