using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Copies the open partition's write-ahead log into the database file (<c>PRAGMA
/// wal_checkpoint(PASSIVE)</c>) on a thread of its own, so the writer neither copies the pages nor
/// waits for the two fsyncs a checkpoint does under <c>synchronous=NORMAL</c> (per-thread scheduler
/// statistics in <c>ledger-probe</c> showed the writer blocked ≈ 1 s per million appends, mostly in
/// checkpoints). The writer asks after every <see cref="RequestEvery"/> committed entries; requests
/// made while a checkpoint runs are folded into one. PASSIVE never blocks the writer or readers and
/// changes nothing a crash could see: committed transactions are in the WAL either way. The
/// writer's own <c>wal_autocheckpoint</c> stays as a backstop should this thread fall behind.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>Committed entries between requests (≈ 20–30 MiB of WAL with 16 KiB pages).</summary>
    internal const int RequestEvery = 65_536;

    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Thread _thread;
    private string? _requested;
    private volatile bool _stopping;
    private SqliteConnection? _connection;
    private string? _connectedPath;

    public WalCheckpointer(ILogger logger)
    {
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "EgressGuard ledger WAL checkpoint" };
        _thread.Start();
    }

    /// <summary>Asks for a checkpoint of <paramref name="partitionPath"/> (never waits).</summary>
    public void Request(string partitionPath)
    {
        Volatile.Write(ref _requested, partitionPath);
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: the pending checkpoint covers this request.
            }
        }
    }

    /// <summary>Stops the thread (a checkpoint in progress finishes) and closes its connection.</summary>
    public void Dispose()
    {
        _stopping = true;
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }

        _thread.Join();
        _signal.Dispose();
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                _signal.Wait();
                if (_stopping)
                {
                    return;
                }

                if (Volatile.Read(ref _requested) is { } path)
                {
                    Checkpoint(path);
                }
            }
        }
        finally
        {
            _connection?.Dispose();
        }
    }

    private void Checkpoint(string path)
    {
        try
        {
            if (_connectedPath != path || _connection is null)
            {
                // A new day's partition: let go of the closed one.
                _connection?.Dispose();
                _connection = null;
                _connectedPath = path;
                var connection = new SqliteConnection(LedgerFiles.ReadWrite(path));
                connection.Open();
                _connection = connection;
                LedgerSchema.Execute(connection, "PRAGMA busy_timeout=10000;");
            }

            LedgerSchema.Execute(_connection, "PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            _connection?.Dispose();
            _connection = null;
            LedgerLog.WalCheckpointFailed(_logger, path, e.Message);
        }
    }
}
