using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Records;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The SQL of the partition and checkpoint files. A partition row holds the canonical bytes that
/// were hashed (<c>canon</c>, the source of truth every read decodes), their leaf hash, and copies of
/// the filter columns, indexed for queries; <c>verify</c> checks those copies against the bytes.
/// </summary>
internal static class LedgerSchema
{
    public const string PartitionTables = """
        CREATE TABLE IF NOT EXISTS entries (
          seq INTEGER PRIMARY KEY,
          kind INTEGER NOT NULL,
          time_us INTEGER NOT NULL,
          client TEXT,
          host TEXT,
          country TEXT,
          decision INTEGER,
          reason INTEGER,
          assessment_id TEXT,
          pi TEXT,
          canon BLOB NOT NULL,
          leaf BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS entries_time ON entries(time_us);
        CREATE TABLE IF NOT EXISTS blocks (
          level INTEGER NOT NULL,
          start_seq INTEGER NOT NULL,
          hash BLOB NOT NULL,
          PRIMARY KEY (level, start_seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tree_state (
          id INTEGER PRIMARY KEY CHECK (id = 0),
          size INTEGER NOT NULL,
          frontier BLOB NOT NULL);
        """;

    /// <summary>
    /// The filter indexes of a closed day. The open (newest) partition has only <c>entries_time</c>
    /// (its keys arrive almost in order: cheap to maintain); these five touch scattered pages per row
    /// and cost more than half of an append, so they are built once when the day's partition closes
    /// (<see cref="PartitionIndexer"/>). Until then a query on the open day answers the same by
    /// scanning that day's rows.
    /// </summary>
    public const string ClosedPartitionIndexes = """
        CREATE INDEX IF NOT EXISTS entries_client ON entries(client);
        CREATE INDEX IF NOT EXISTS entries_host ON entries(host);
        CREATE INDEX IF NOT EXISTS entries_country ON entries(country);
        CREATE INDEX IF NOT EXISTS entries_decision ON entries(decision, reason);
        CREATE INDEX IF NOT EXISTS entries_assessment ON entries(assessment_id) WHERE assessment_id IS NOT NULL;
        """;

    /// <summary>The index names of <see cref="ClosedPartitionIndexes"/>, to tell whether a partition has them all.</summary>
    public static readonly string[] ClosedPartitionIndexNames = ["entries_client", "entries_host", "entries_country", "entries_decision", "entries_assessment"];

    public const string CheckpointTables = """
        CREATE TABLE IF NOT EXISTS checkpoints (
          number INTEGER PRIMARY KEY,
          tree_size INTEGER NOT NULL,
          time_us INTEGER NOT NULL,
          note TEXT NOT NULL,
          frontier BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS log_start (
          id INTEGER PRIMARY KEY CHECK (id = 0),
          size INTEGER NOT NULL,
          frontier BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS holds (
          id INTEGER PRIMARY KEY,
          from_day TEXT NOT NULL,
          to_day TEXT NOT NULL,
          reason TEXT NOT NULL,
          placed_us INTEGER NOT NULL,
          released_us INTEGER,
          placed_logged INTEGER NOT NULL DEFAULT 0,
          released_logged INTEGER NOT NULL DEFAULT 0);
        """;

    public const string InsertEntry =
        "INSERT INTO entries (seq, kind, time_us, client, host, country, decision, reason, assessment_id, pi, canon, leaf) " +
        "VALUES ($seq, $kind, $time, $client, $host, $country, $decision, $reason, $assessment, $pi, $canon, $leaf)";

    public const string EntryColumns = "seq, kind, time_us, client, host, country, decision, reason, assessment_id, pi, canon, leaf";

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The filter columns derived from an entry: what the writer stores and what verify expects.</summary>
    public static FilterColumns Columns(TransferRecord? r) => r is null
        ? default
        : new FilterColumns(r.Client, r.Host.ToLowerInvariant(), r.Country?.ToUpperInvariant(), (int)r.Decision, (int)r.Reason, r.AssessmentId, PiText(r.Findings));

    /// <summary>Finding types as <c>,type1,type2,</c> (so <c>LIKE '%,type,%'</c> matches one), null when none.</summary>
    public static string? PiText(IReadOnlyList<FindingSummary> findings)
    {
        if (findings.Count == 0)
        {
            return null;
        }

        var text = ",";
        foreach (var f in findings)
        {
            text += f.Type + ",";
        }

        return text;
    }

    /// <summary>The filter columns of one row.</summary>
    internal readonly record struct FilterColumns(string? Client, string? Host, string? Country, int? Decision, int? Reason, string? AssessmentId, string? Pi);

    /// <summary>Reads the filter columns of a row selected with <see cref="EntryColumns"/>.</summary>
    public static FilterColumns ReadColumns(SqliteDataReader r) => new(
        r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetInt32(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : r.GetString(9));

    /// <summary>The kind the event or transfer is stored under.</summary>
    public static LedgerEntryKind KindOf(LedgerEntry entry) => entry.Kind;
}
