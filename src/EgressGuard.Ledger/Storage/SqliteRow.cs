using System.Runtime.InteropServices;
using SQLitePCL;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Column reads of the current row of a statement, for <see cref="PartitionScan"/>. Each read
/// through SQLitePCLRaw costs a SafeHandle add-ref/release around the call (≈ 80 ns with SQLite's
/// mutex, measured with perf while verifying); a verify reads ~25 values per row, so this calls the
/// same exports of the same <c>e_sqlite3</c> library through function pointers on the raw statement
/// pointer instead. The statement stays owned (and kept alive) by its <see cref="sqlite3_stmt"/>.
/// When the library cannot be resolved this way, it falls back to SQLitePCLRaw: same values.
/// </summary>
internal readonly unsafe struct SqliteRow
{
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, int> ColumnType;
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, long> ColumnInt64;
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, byte*> ColumnBlob;
    private static readonly delegate* unmanaged[SuppressGCTransition]<IntPtr, int, int> ColumnBytes;
    private static readonly bool Native;

    private readonly sqlite3_stmt _statement;
    private readonly IntPtr _pointer;

#pragma warning disable CA1810 // the four exports are resolved together, or not at all
    static SqliteRow()
#pragma warning restore CA1810
    {
        if (SqliteNative.TryLoad(out var library)
            && NativeLibrary.TryGetExport(library, "sqlite3_column_type", out var type)
            && NativeLibrary.TryGetExport(library, "sqlite3_column_int64", out var int64)
            && NativeLibrary.TryGetExport(library, "sqlite3_column_blob", out var blob)
            && NativeLibrary.TryGetExport(library, "sqlite3_column_bytes", out var bytes))
        {
            ColumnType = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, int>)type;
            ColumnInt64 = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, long>)int64;
            ColumnBlob = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, byte*>)blob;
            ColumnBytes = (delegate* unmanaged[SuppressGCTransition]<IntPtr, int, int>)bytes;
            Native = true;
        }
    }

    /// <summary>Whether column reads go through the function pointers (false: the SQLitePCLRaw fallback).</summary>
    public static bool IsNative => Native;

    public SqliteRow(sqlite3_stmt statement)
    {
        _statement = statement;
        _pointer = statement.DangerousGetHandle();
    }

    /// <summary>SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.</summary>
    public int Type(int column) => Native ? ColumnType(_pointer, column) : raw.sqlite3_column_type(_statement, column);

    public long Int64(int column) => Native ? ColumnInt64(_pointer, column) : raw.sqlite3_column_int64(_statement, column);

    /// <summary>The value's bytes (text as UTF-8); valid until the next step or read of this column as another type.</summary>
    public ReadOnlySpan<byte> Bytes(int column)
    {
        if (!Native)
        {
            return raw.sqlite3_column_blob(_statement, column);
        }

        // sqlite3_column_blob first, then sqlite3_column_bytes: the order SQLite documents as safe.
        var data = ColumnBlob(_pointer, column);
        var length = ColumnBytes(_pointer, column);
        return data is null ? default : new ReadOnlySpan<byte>(data, length);
    }
}
