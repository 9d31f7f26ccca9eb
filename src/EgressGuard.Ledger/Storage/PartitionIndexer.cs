using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Builds the filter indexes (<see cref="LedgerSchema.ClosedPartitionIndexes"/>) of partitions the
/// writer no longer writes: the day that just closed, and at start any older partition that lacks
/// them (a build cut short by a crash or a shutdown is rolled back by SQLite and redone here). One
/// background task, one partition at a time, on its own connection: the writer never waits for it,
/// and readers (WAL) keep reading while it runs. Queries are correct with or without the indexes.
/// </summary>
internal sealed class PartitionIndexer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task _work = Task.CompletedTask;
    private SqliteConnection? _building;
    private bool _stopped;

    public PartitionIndexer(ILogger logger) => _logger = logger;

    /// <summary>Whether the partition at <paramref name="path"/> has every closed-day index (false when it cannot be read).</summary>
    public static bool HasIndexes(string path)
    {
        try
        {
            using var connection = new SqliteConnection(LedgerFiles.ReadOnly(path));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('entries_client', 'entries_host', 'entries_country', 'entries_decision', 'entries_assessment')";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == LedgerSchema.ClosedPartitionIndexNames.Length;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Queues the index build of one closed partition (a no-op for indexes that exist).</summary>
    public void Schedule(string path)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _work = _work.ContinueWith(_ => Build(path), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>The builds queued so far, finished (tests and benchmarks wait on it).</summary>
    public Task WhenIdle()
    {
        lock (_gate)
        {
            return _work;
        }
    }

    /// <summary>Stops: a build under way is interrupted (rolled back, redone at the next start), queued ones are dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        Task work;
        lock (_gate)
        {
            _stopped = true;
            if (_building is { } connection)
            {
                raw.sqlite3_interrupt(connection.Handle);
            }

            work = _work;
        }

        await work.ConfigureAwait(false);
    }

    private void Build(string path)
    {
        SqliteConnection? connection = null;
        try
        {
            lock (_gate)
            {
                if (_stopped || !File.Exists(path))
                {
                    return;
                }
            }

            if (HasIndexes(path))
            {
                return;
            }

            connection = new SqliteConnection(LedgerFiles.ReadWrite(path));
            connection.Open();
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                _building = connection;
            }

            LedgerSchema.Execute(connection, "PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536;");
            using (var transaction = connection.BeginTransaction())
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = LedgerSchema.ClosedPartitionIndexes;
                command.ExecuteNonQuery();
                transaction.Commit();
            }

            LedgerLog.PartitionIndexed(_logger, Path.GetFileName(path));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            LedgerLog.PartitionIndexFailed(_logger, Path.GetFileName(path), e.Message);
        }
        finally
        {
            lock (_gate)
            {
                _building = null;
            }

            connection?.Dispose();
        }
    }
}
