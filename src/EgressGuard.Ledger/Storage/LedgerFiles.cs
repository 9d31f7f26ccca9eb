using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Where the ledger lives: <c>{DataDirectory}/ledger/YYYY-MM-DD.db</c> (one SQLite file per UTC day
/// of writing), <c>checkpoints.db</c> (signed checkpoints, log start, legal holds; kept across purges),
/// the signing key and the writer's lock file.
/// </summary>
public static class LedgerFiles
{
    /// <summary>The checkpoint database's file name.</summary>
    public const string CheckpointsFileName = "checkpoints.db";

    /// <summary>The ledger folder under a data directory.</summary>
    public static string Directory(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "ledger");

    /// <summary>The checkpoint database.</summary>
    public static string CheckpointsPath(string dataDirectory) => Path.Combine(Directory(dataDirectory), CheckpointsFileName);

    /// <summary>The signing key file (PEM, 0600).</summary>
    public static string SigningKeyPath(string dataDirectory) => Path.Combine(Directory(dataDirectory), Checkpoints.SigningKeyFile.DefaultFileName);

    /// <summary>
    /// The lock file the single writer holds (exclusive flock). Beside the ledger folder, not in it,
    /// so tools that read every ledger file (backup, scans) do not trip over the lock.
    /// </summary>
    public static string LockPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "ledger.lock");

    /// <summary>The partition file for a UTC day.</summary>
    public static string PartitionPath(string dataDirectory, DateOnly day) =>
        Path.Combine(Directory(dataDirectory), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".db");

    /// <summary>Partition days present, oldest first.</summary>
    public static List<DateOnly> ListPartitions(string dataDirectory)
    {
        var days = new List<DateOnly>();
        var folder = Directory(dataDirectory);
        if (!System.IO.Directory.Exists(folder))
        {
            return days;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "????-??-??.db"))
        {
            if (DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(file), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
        }

        days.Sort();
        return days;
    }

    /// <summary>A read-only connection string (safe while the appliance writes: WAL readers do not block it).</summary>
    public static string ReadOnly(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    /// <summary>A read-write connection string.</summary>
    public static string ReadWrite(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();

    /// <summary>Unix microseconds of an instant (floor, as the canonical encoding).</summary>
    public static long ToMicros(DateTimeOffset t) => Canonical.CanonicalTime.ToUnixMicroseconds(t);

    /// <summary>The UTC day of an instant.</summary>
    public static DateOnly Day(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime);
}
