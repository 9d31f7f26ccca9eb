using System.Runtime.InteropServices;
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
/// The twelve binds go through function pointers on the raw statement pointer, as
/// <see cref="SqliteRow"/> reads: through SQLitePCLRaw each costs a SafeHandle add-ref/release and a
/// provider lookup (≈ 5 % of the writer thread in perf); SQLitePCLRaw is the fallback.
/// </summary>
internal sealed unsafe class EntryInsertStatement : IDisposable
{
    // SQLITE_TRANSIENT: SQLite copies the bytes before the bind returns.
    private static readonly IntPtr Transient = new(-1);
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, long, int> BindInt64;
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, int> BindNullNative;
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int> BindTextNative;
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int> BindBlobNative;
    private static readonly bool Native;

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly IntPtr _pointer;
    private byte[] _text = new byte[256];

#pragma warning disable CA1810 // the exports are resolved together, or not at all
    static EntryInsertStatement()
#pragma warning restore CA1810
    {
        if (SqliteNative.TryLoad(out var library)
            && NativeLibrary.TryGetExport(library, "sqlite3_bind_int64", out var int64)
            && NativeLibrary.TryGetExport(library, "sqlite3_bind_null", out var bindNull)
            && NativeLibrary.TryGetExport(library, "sqlite3_bind_text", out var text)
            && NativeLibrary.TryGetExport(library, "sqlite3_bind_blob", out var blob))
        {
            BindInt64 = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, long, int>)int64;
            BindNullNative = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, int>)bindNull;
            BindTextNative = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int>)text;
            BindBlobNative = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int>)blob;
            Native = true;
        }
    }

    public EntryInsertStatement(SqliteConnection connection)
    {
        _connection = connection;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, LedgerSchema.InsertEntry, out _statement);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        _pointer = _statement.DangerousGetHandle();
    }

    /// <summary>Whether binds go through the function pointers (false: the SQLitePCLRaw fallback).</summary>
    public static bool IsNative => Native;

    /// <summary>Inserts one row; a failure (disk full, I/O error, constraint) throws <see cref="SqliteException"/>.</summary>
    public void Insert(ulong sequence, int kind, long timeMicros, in LedgerSchema.FilterColumns columns, ReadOnlySpan<byte> canonical, in MerkleHash leaf)
    {
        var s = _statement;
        try
        {
            BindLong(1, (long)sequence);
            BindLong(2, kind);
            BindLong(3, timeMicros);
            BindText(4, columns.Client);
            BindText(5, columns.Host);
            BindText(6, columns.Country);
            BindInt(7, columns.Decision);
            BindInt(8, columns.Reason);
            BindText(9, columns.AssessmentId);
            BindText(10, columns.Pi);
            BindBlob(11, canonical);
            Span<byte> leafBytes = stackalloc byte[MerkleHash.Size];
            leaf.CopyTo(leafBytes);
            BindBlob(12, leafBytes);
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

    private void BindInt(int index, int? value)
    {
        if (value is { } v)
        {
            BindLong(index, v);
        }
        else
        {
            BindNull(index);
        }
    }

    private void BindLong(int index, long value) =>
        Check(Native ? BindInt64(_pointer, index, value) : raw.sqlite3_bind_int64(_statement, index, value));

    private void BindNull(int index) =>
        Check(Native ? BindNullNative(_pointer, index) : raw.sqlite3_bind_null(_statement, index));

    // Never empty (the canonical bytes, the leaf): an empty span would pin to a null pointer, bound as NULL.
    private void BindBlob(int index, ReadOnlySpan<byte> value)
    {
        if (!Native)
        {
            Check(raw.sqlite3_bind_blob(_statement, index, value));
            return;
        }

        fixed (byte* p = value)
        {
            Check(BindBlobNative(_pointer, index, p, value.Length, Transient));
        }
    }

    private void BindText(int index, string? value)
    {
        if (value is null)
        {
            BindNull(index);
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
        if (!Native)
        {
            Check(raw.sqlite3_bind_text(_statement, index, _text.AsSpan(0, length)));
            return;
        }

        fixed (byte* p = _text)
        {
            Check(BindTextNative(_pointer, index, p, length, Transient));
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}
