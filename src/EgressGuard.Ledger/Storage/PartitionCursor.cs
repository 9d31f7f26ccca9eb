using SQLitePCL;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// One reader's open partition for <see cref="PartitionScan"/>: a read-only connection to the day of
/// the current chunk and its two prepared selects (from a sequence number on, and a sequence range),
/// kept while consecutive chunks stay on the same day. One thread only.
/// </summary>
internal sealed class PartitionCursor : IDisposable
{
    private const string Select = "SELECT " + LedgerSchema.EntryColumns + " FROM entries WHERE seq >= ?1 ORDER BY seq";
    private const string SelectRange = "SELECT " + LedgerSchema.EntryColumns + " FROM entries WHERE seq >= ?1 AND seq < ?2 ORDER BY seq";

    private readonly string _dataDirectory;
    private DateOnly? _day;
    private sqlite3? _db;
    private sqlite3_stmt? _from;
    private sqlite3_stmt? _range;

    public PartitionCursor(string dataDirectory) => _dataDirectory = dataDirectory;

    /// <summary>The statement positioned before the first row of the chunk last started.</summary>
    public sqlite3_stmt? Statement { get; private set; }

    /// <summary>Opens the chunk's partition (unless open) and binds its range; returns SQLite's error, or null.</summary>
    public string? Start(in ScanChunk chunk)
    {
        Statement = null;
        if (_day != chunk.Day || _db is null)
        {
            Close();
            _day = chunk.Day;

            // Read-only, and NOMUTEX: this connection lives on one thread, so SQLite's per-call mutex is waste.
            var rc = raw.sqlite3_open_v2(LedgerFiles.PartitionPath(_dataDirectory, chunk.Day), out var db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
            _db = db;
            if (rc != raw.SQLITE_OK)
            {
                var error = raw.sqlite3_errstr(rc).utf8_to_string();
                Close();
                return error;
            }

            raw.sqlite3_busy_timeout(db, 10_000);

            // Pages read through a memory map, not one read() system call each (the kernel's share of a verify).
            raw.sqlite3_exec(db, "PRAGMA mmap_size=4294967296");
        }

        var bounded = chunk.ToExclusive is not null;
        ref var statement = ref bounded ? ref _range : ref _from;
        if (statement is null)
        {
            if (raw.sqlite3_prepare_v2(_db, bounded ? SelectRange : Select, out var prepared) != raw.SQLITE_OK)
            {
                prepared.Dispose();
                var error = LastError();
                Close();
                return error;
            }

            statement = prepared;
        }
        else
        {
            raw.sqlite3_reset(statement);
        }

        raw.sqlite3_bind_int64(statement, 1, chunk.From);
        if (chunk.ToExclusive is { } to)
        {
            raw.sqlite3_bind_int64(statement, 2, to);
        }

        Statement = statement;
        return null;
    }

    /// <summary>SQLite's message for the last failed call on this connection.</summary>
    public string LastError() => _db is null ? "not open" : raw.sqlite3_errmsg(_db).utf8_to_string();

    public void Dispose() => Close();

    private void Close()
    {
        Statement = null;
        _from?.Dispose();
        _range?.Dispose();
        _db?.Dispose();
        _from = null;
        _range = null;
        _db = null;
        _day = null;
    }
}
