using System.Globalization;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Retention;

/// <summary>
/// Legal holds, kept in <c>ledger/checkpoints.db</c> (which purges never delete). The CLI places and
/// releases them directly (also while the appliance runs); the writer appends a
/// <see cref="LedgerEntryKind.LegalHold"/> entry for each placement and release it has not logged
/// yet (at its next maintenance, at most a few seconds later, or at the next start).
/// </summary>
public static class LegalHolds
{
    /// <summary>Places a hold; returns its id, or an error.</summary>
    public static long? Add(string dataDirectory, DateOnly from, DateOnly to, string reason, DateTimeOffset now, out string? error)
    {
        error = from > to ? "--from is after --to" : string.IsNullOrWhiteSpace(reason) ? "a reason is required" : null;
        if (error is not null)
        {
            return null;
        }

        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO holds (from_day, to_day, reason, placed_us) VALUES ($f, $t, $r, $p); SELECT last_insert_rowid();";
        command.Parameters.AddWithValue("$f", Text(from));
        command.Parameters.AddWithValue("$t", Text(to));
        command.Parameters.AddWithValue("$r", reason);
        command.Parameters.AddWithValue("$p", LedgerFiles.ToMicros(now));
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Releases an active hold; false (with an error) when there is no such active hold.</summary>
    public static bool Release(string dataDirectory, long id, DateTimeOffset now, out string? error)
    {
        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE holds SET released_us = $now WHERE id = $id AND released_us IS NULL";
        command.Parameters.AddWithValue("$now", LedgerFiles.ToMicros(now));
        command.Parameters.AddWithValue("$id", id);
        var changed = command.ExecuteNonQuery() == 1;
        error = changed ? null : $"no active hold with id {id}";
        return changed;
    }

    /// <summary>Every hold, active and released, by id.</summary>
    public static List<LegalHold> List(string dataDirectory)
    {
        using var connection = Open(dataDirectory);
        return Read(connection, "SELECT id, from_day, to_day, reason, placed_us, released_us FROM holds ORDER BY id");
    }

    internal static List<LegalHold> Read(SqliteConnection connection, string sql)
    {
        var list = new List<LegalHold>();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            list.Add(new LegalHold
            {
                Id = r.GetInt64(0),
                From = DateOnly.ParseExact(r.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                To = DateOnly.ParseExact(r.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Reason = r.GetString(3),
                Placed = CanonicalTime.FromUnixMicroseconds(r.GetInt64(4)),
                Released = r.IsDBNull(5) ? null : CanonicalTime.FromUnixMicroseconds(r.GetInt64(5)),
            });
        }

        return list;
    }

    /// <summary>Opens (creating if needed) the checkpoint database read-write.</summary>
    internal static SqliteConnection Open(string dataDirectory)
    {
        Directory.CreateDirectory(LedgerFiles.Directory(dataDirectory));
        var connection = new SqliteConnection(LedgerFiles.ReadWrite(LedgerFiles.CheckpointsPath(dataDirectory)));
        connection.Open();
        LedgerSchema.Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        LedgerSchema.Execute(connection, LedgerSchema.CheckpointTables);
        return connection;
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
