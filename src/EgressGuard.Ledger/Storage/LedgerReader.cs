using System.Text;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Reads a ledger directory (read-only connections; safe while the appliance writes): queries,
/// entries in sequence order, checkpoints, the log start after purges.
/// </summary>
public static class LedgerReader
{
    /// <summary>Whether a ledger exists under <paramref name="dataDirectory"/>.</summary>
    public static bool Exists(string dataDirectory) => File.Exists(LedgerFiles.CheckpointsPath(dataDirectory)) || LedgerFiles.ListPartitions(dataDirectory).Count > 0;

    /// <summary>One page of transfer records matching <paramref name="query"/>, in sequence order.</summary>
    public static TransferPage Query(string dataDirectory, TransferQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1_000_000);
        var skip = Math.Max(0, query.Offset);
        var records = new List<LedgerRecord>();
        var more = false;
        var fromDay = query.From is { } f ? LedgerFiles.Day(f) : DateOnly.MinValue;
        foreach (var day in LedgerFiles.ListPartitions(dataDirectory))
        {
            // A record is appended after its decision, so one at or after From is in a partition of that day or later.
            if (day < fromDay)
            {
                continue;
            }

            using var connection = new SqliteConnection(LedgerFiles.ReadOnly(LedgerFiles.PartitionPath(dataDirectory, day)));
            connection.Open();
            if (query.AfterSequence is { } after && MaxSequence(connection) is { } max && (ulong)max <= after)
            {
                continue;
            }

            using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT seq, canon FROM entries WHERE kind = 1");
            if (query.AfterSequence is { } cursor)
            {
                sql.Append(" AND seq > $after");
                command.Parameters.AddWithValue("$after", cursor > long.MaxValue ? long.MaxValue : (long)cursor);
            }

            if (query.From is { } from)
            {
                sql.Append(" AND time_us >= $from");
                command.Parameters.AddWithValue("$from", LedgerFiles.ToMicros(from));
            }

            if (query.To is { } to)
            {
                sql.Append(" AND time_us < $to");
                command.Parameters.AddWithValue("$to", LedgerFiles.ToMicros(to));
            }

            Filter(sql, command, "decision", query.Decision is { } d ? (int)d : null);
            Filter(sql, command, "reason", query.Reason is { } r ? (int)r : null);
            Filter(sql, command, "country", query.Country?.ToUpperInvariant());
            Filter(sql, command, "client", query.Client);
            Filter(sql, command, "host", query.Host?.ToLowerInvariant());
            Filter(sql, command, "assessment_id", query.AssessmentId);
            if (query.PiType is { } pi)
            {
                sql.Append(" AND pi LIKE $pi ESCAPE '\\'");
                command.Parameters.AddWithValue("$pi", "%," + pi.Replace("\\", "\\\\", StringComparison.Ordinal)
                    .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + ",%");
            }

            sql.Append(" ORDER BY seq LIMIT $limit");
            command.Parameters.AddWithValue("$limit", skip + limit - records.Count + 1);
            command.CommandText = sql.ToString();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                if (records.Count == limit)
                {
                    more = true;
                    break;
                }

                var canon = (byte[])reader.GetValue(1);
                if (CanonicalDecoder.TryDecode(canon, out var entry) == CanonicalDecodeError.None && entry!.Transfer is { } transfer)
                {
                    records.Add(new LedgerRecord((ulong)reader.GetInt64(0), transfer));
                }
            }

            if (more)
            {
                break;
            }
        }

        return new TransferPage { Records = records, NextCursor = more ? records[^1].Sequence : null };
    }

    /// <summary>Just the records of <see cref="Query(string, TransferQuery)"/>.</summary>
    public static IReadOnlyList<TransferRecord> QueryRecords(string dataDirectory, TransferQuery query)
    {
        var page = Query(dataDirectory, query);
        var list = new TransferRecord[page.Records.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = page.Records[i].Record;
        }

        return list;
    }

    /// <summary>Checkpoints numbered ≥ <paramref name="fromNumber"/>, ascending, at most <paramref name="maxCount"/>.</summary>
    public static List<StoredCheckpoint> ReadCheckpoints(string dataDirectory, long fromNumber = 0, int maxCount = int.MaxValue) =>
        QueryCheckpoints(dataDirectory, "WHERE number >= $from ORDER BY number LIMIT $max", ("$from", fromNumber), ("$max", maxCount));

    /// <summary>Checkpoint <paramref name="number"/>; null when there is none.</summary>
    public static StoredCheckpoint? ReadCheckpoint(string dataDirectory, long number) =>
        number < 0 ? null : QueryCheckpoints(dataDirectory, "WHERE number = $n", ("$n", number)) is [var cp] ? cp : null;

    /// <summary>The newest checkpoint; null before the first is signed.</summary>
    public static StoredCheckpoint? ReadNewestCheckpoint(string dataDirectory) =>
        QueryCheckpoints(dataDirectory, "ORDER BY number DESC LIMIT 1") is [var cp] ? cp : null;

    private static List<StoredCheckpoint> QueryCheckpoints(string dataDirectory, string clauses, params (string Name, long Value)[] parameters)
    {
        var list = new List<StoredCheckpoint>();
        var path = LedgerFiles.CheckpointsPath(dataDirectory);
        if (!File.Exists(path))
        {
            return list;
        }

        using var connection = new SqliteConnection(LedgerFiles.ReadOnly(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT number, tree_size, time_us, note, frontier FROM checkpoints " + clauses;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new StoredCheckpoint(
                reader.GetInt64(0), (ulong)reader.GetInt64(1), CanonicalTime.FromUnixMicroseconds(reader.GetInt64(2)),
                reader.GetString(3), ReadFrontier((byte[])reader.GetValue(4))));
        }

        return list;
    }

    /// <summary>Where the kept log begins: (0, empty) until a purge, then the first kept sequence and the frontier there.</summary>
    public static (ulong Size, IReadOnlyList<MerkleHash> Frontier) ReadLogStart(string dataDirectory)
    {
        var path = LedgerFiles.CheckpointsPath(dataDirectory);
        if (!File.Exists(path))
        {
            return (0, []);
        }

        using var connection = new SqliteConnection(LedgerFiles.ReadOnly(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT size, frontier FROM log_start WHERE id = 0";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ((ulong)reader.GetInt64(0), ReadFrontier((byte[])reader.GetValue(1))) : (0, []);
    }

    /// <summary>
    /// Entries with sequence ≥ <paramref name="fromSequence"/> across partitions, ascending (streaming).
    /// A partition that cannot be read yields one entry with <see cref="StoredEntry.Error"/> set, then the stream ends.
    /// </summary>
    internal static IEnumerable<StoredEntry> ReadEntries(string dataDirectory, ulong fromSequence, IReadOnlyList<DateOnly>? partitions = null)
    {
        foreach (var day in partitions ?? LedgerFiles.ListPartitions(dataDirectory))
        {
            SqliteConnection? connection = null;
            SqliteCommand? command = null;
            SqliteDataReader? reader = null;
            string? error = null;
            try
            {
                connection = new SqliteConnection(LedgerFiles.ReadOnly(LedgerFiles.PartitionPath(dataDirectory, day)));
                connection.Open();
                if (MaxSequence(connection) is not { } max || (ulong)max < fromSequence)
                {
                    connection.Dispose();
                    continue;
                }

                command = connection.CreateCommand();
                command.CommandText = $"SELECT {LedgerSchema.EntryColumns} FROM entries WHERE seq >= $from ORDER BY seq";
                command.Parameters.AddWithValue("$from", fromSequence > long.MaxValue ? long.MaxValue : (long)fromSequence);
                reader = command.ExecuteReader();
            }
            catch (Exception e) when (e is SqliteException or InvalidCastException)
            {
                error = e.Message;
            }

            if (error is not null)
            {
                reader?.Dispose();
                command?.Dispose();
                connection?.Dispose();
                yield return new StoredEntry(0, [], null, default, 0, 0, day, error);
                yield break;
            }

            try
            {
                while (true)
                {
                    StoredEntry entry;
                    try
                    {
                        if (!reader!.Read())
                        {
                            break;
                        }

                        var leafBytes = reader.IsDBNull(11) ? null : reader.GetValue(11) as byte[];
                        MerkleHash? leaf = leafBytes is not null && MerkleHash.TryRead(leafBytes, out var h) ? h : null;
                        entry = new StoredEntry(
                            (ulong)reader.GetInt64(0),
                            reader.IsDBNull(10) ? [] : reader.GetValue(10) as byte[] ?? [],
                            leaf,
                            LedgerSchema.ReadColumns(reader),
                            reader.GetInt32(1),
                            reader.GetInt64(2),
                            day,
                            null);
                    }
                    catch (Exception e) when (e is SqliteException or InvalidCastException or FormatException)
                    {
                        entry = new StoredEntry(0, [], null, default, 0, 0, day, e.Message);
                    }

                    yield return entry;
                    if (entry.Error is not null)
                    {
                        yield break;
                    }
                }
            }
            finally
            {
                reader!.Dispose();
                command!.Dispose();
                connection!.Dispose();
            }
        }
    }

    /// <summary>The tree size the writer last committed (newest partition's <c>tree_state</c>); null when there is none.</summary>
    internal static ulong? ReadTreeState(string dataDirectory)
    {
        var partitions = LedgerFiles.ListPartitions(dataDirectory);
        for (var i = partitions.Count - 1; i >= 0; i--)
        {
            try
            {
                using var connection = new SqliteConnection(LedgerFiles.ReadOnly(LedgerFiles.PartitionPath(dataDirectory, partitions[i])));
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT size FROM tree_state WHERE id = 0";
                if (command.ExecuteScalar() is long size)
                {
                    return (ulong)size;
                }
            }
            catch (SqliteException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Sequence range of one partition; null when it is empty.</summary>
    internal static (ulong First, ulong Last)? Range(string path)
    {
        using var connection = new SqliteConnection(LedgerFiles.ReadOnly(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(seq), MAX(seq), COUNT(*) FROM entries";
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? ((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1)) : null;
    }

    internal static IReadOnlyList<MerkleHash> ReadFrontier(byte[] blob)
    {
        var hashes = new MerkleHash[blob.Length / MerkleHash.Size];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = MerkleHash.Read(blob.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
        }

        return hashes;
    }

    internal static byte[] WriteFrontier(ReadOnlySpan<MerkleHash> frontier)
    {
        var blob = new byte[frontier.Length * MerkleHash.Size];
        for (var i = 0; i < frontier.Length; i++)
        {
            frontier[i].CopyTo(blob.AsSpan(i * MerkleHash.Size));
        }

        return blob;
    }

    private static long? MaxSequence(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(seq) FROM entries";
        var value = command.ExecuteScalar();
        return value is long l ? l : null;
    }

    private static void Filter(StringBuilder sql, SqliteCommand command, string column, object? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = $").Append(column);
        command.Parameters.AddWithValue("$" + column, value);
    }
}
