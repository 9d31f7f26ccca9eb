using System.Runtime.InteropServices;
using SQLitePCL;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The e_sqlite3 library SQLitePCLRaw itself runs on, for the function pointers the hot paths call
/// directly (<see cref="EntryInsertStatement"/> binds, <see cref="SqliteRow"/> column reads).
/// </summary>
internal static unsafe class SqliteNative
{
    /// <summary>
    /// The library handle, only when SQLitePCLRaw's provider is e_sqlite3 (Microsoft.Data.Sqlite's
    /// default bundle) and the loaded library is the same build (checked by version): a statement of
    /// another SQLite library or build must never reach these functions.
    /// </summary>
    public static bool TryLoad(out IntPtr library)
    {
        library = IntPtr.Zero;
        return raw.GetNativeLibraryName() == "e_sqlite3"
            && NativeLibrary.TryLoad("e_sqlite3", typeof(SQLite3Provider_e_sqlite3).Assembly, null, out library)
            && NativeLibrary.TryGetExport(library, "sqlite3_libversion_number", out var version)
            && ((delegate* unmanaged<int>)version)() == raw.sqlite3_libversion_number();
    }
}
