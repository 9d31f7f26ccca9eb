using System.Text;
using EgressGuard.Ledger.Merkle;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The writer's prepared <c>INSERT INTO entries</c>, bound through SQLite's C API (SQLitePCLRaw,
/// which Microsoft.Data.Sqlite is built on) straight from spans: no boxed parameter values, no
/// per-row arrays for the canonical bytes or the leaf hash, no per-call parameter lookup by name.
/// Through <see cref="SqliteCommand"/> the same row cost ≈ 1.7 KB of garbage and several µs
/// (<c>bench/EgressGuard.Benchmarks/Ledger/README.md</c>). Strings are bound as UTF-8 with the
/// replacement character for lone surrogates, as Microsoft.Data.Sqlite binds them, so the stored
/// text is unchanged. Runs inside the connection's current transaction; one writer thread.
/// </summary>
internal sealed class EntryInsertStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private byte[] _text = new byte[256];

    public EntryInsertStatement(SqliteConnection connection)
    {
        _connection = connection;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, LedgerSchema.InsertEntry, out _statement);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    /// <summary>Inserts one row; a failure (disk full, I/O error, constraint) throws <see cref="SqliteException"/>.</summary>
    public void Insert(ulong sequence, int kind, long timeMicros, in LedgerSchema.FilterColumns columns, ReadOnlySpan<byte> canonical, in MerkleHash leaf)
    {
        var s = _statement;
        try
        {
            Check(raw.sqlite3_bind_int64(s, 1, (long)sequence));
            Check(raw.sqlite3_bind_int64(s, 2, kind));
            Check(raw.sqlite3_bind_int64(s, 3, timeMicros));
            BindText(4, columns.Client);
            BindText(5, columns.Host);
            BindText(6, columns.Country);
            BindInt(7, columns.Decision);
            BindInt(8, columns.Reason);
            BindText(9, columns.AssessmentId);
            BindText(10, columns.Pi);
            Check(raw.sqlite3_bind_blob(s, 11, canonical));
            Span<byte> leafBytes = stackalloc byte[MerkleHash.Size];
            leaf.CopyTo(leafBytes);
            Check(raw.sqlite3_bind_blob(s, 12, leafBytes));
            var rc = raw.sqlite3_step(s);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            }
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindInt(int index, int? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    private void BindText(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        if (value.Length == 0)
        {
            // An empty span pins to a null pointer, which SQLite would store as NULL, not as ''.
            Check(raw.sqlite3_bind_text(_statement, index, string.Empty));
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _text.Length)
        {
            _text = new byte[Math.Max(max, _text.Length * 2)];
        }

        // SQLITE_TRANSIENT: SQLite copies the bytes, so the scratch buffer is free for the next column.
        var length = Encoding.UTF8.GetBytes(value, _text);
        Check(raw.sqlite3_bind_text(_statement, index, _text.AsSpan(0, length)));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}
