using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Ledger v0: one SQLite database in WAL mode under <c>{DataDirectory}/ledger/</c>. A single writer
/// task drains a bounded queue in batched transactions, so request threads never touch the disk.
/// Durability: WAL with <c>synchronous=NORMAL</c> — a committed batch survives a process crash
/// (kill -9); on power loss the last batches committed may be lost. A record reaches a commit
/// within one batch of being appended (the writer commits as soon as the queue is drained).
/// The tamper-evident ledger replaces this engine behind <see cref="ITransferLedger"/>.
/// </summary>
public sealed class SqliteTransferLedger : ITransferLedger
{
    /// <summary>Queue capacity; appenders wait when it is full.</summary>
    public const int QueueCapacity = 65_536;

    private const int MaxBatch = 4_096;
    private const string Columns =
        "id, time_us, kind, client, host, ip, port, country, outbound, mode, decision, reason, assessment_id, method, status, bytes_up, bytes_down, duration_us, geo_build, inspection, findings";

    private readonly string _connectionString;
    private readonly string _readConnectionString;
    private readonly Channel<TransferRecord> _queue;
    private readonly Task _writer;
    private long _appended;
    private long _committed;
    private Exception? _writerFailure;

    private SqliteTransferLedger(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _readConnectionString = ReadOnlyConnectionString(path);
        _queue = Channel.CreateBounded<TransferRecord>(new BoundedChannelOptions(QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        using (var connection = OpenWriteConnection())
        {
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS transfers (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  id TEXT NOT NULL UNIQUE,
                  time_us INTEGER NOT NULL,
                  kind TEXT NOT NULL,
                  client TEXT NOT NULL,
                  host TEXT NOT NULL,
                  ip TEXT,
                  port INTEGER NOT NULL,
                  country TEXT,
                  outbound INTEGER NOT NULL,
                  mode TEXT NOT NULL,
                  decision TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  assessment_id TEXT,
                  method TEXT,
                  status INTEGER NOT NULL,
                  bytes_up INTEGER NOT NULL,
                  bytes_down INTEGER NOT NULL,
                  duration_us INTEGER NOT NULL,
                  geo_build TEXT,
                  inspection TEXT,
                  findings TEXT);
                CREATE INDEX IF NOT EXISTS transfers_time ON transfers(time_us);
                """);
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Records waiting for the writer.</summary>
    public long Backlog => Volatile.Read(ref _appended) - Volatile.Read(ref _committed);

    /// <summary>
    /// Opens (creating if needed) the ledger under <paramref name="dataDirectory"/>. Returns an error
    /// text instead of throwing when the directory or file cannot be used.
    /// </summary>
    public static SqliteTransferLedger? Open(string dataDirectory, out string? error)
    {
        var path = DatabasePath(dataDirectory);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            error = null;
            return new SqliteTransferLedger(path);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            error = $"ledger '{path}': {e.Message}";
            return null;
        }
    }

    /// <summary>Opens an existing ledger read-only (for queries from the CLI while the appliance runs).</summary>
    public static IReadOnlyList<TransferRecord>? QueryExisting(string dataDirectory, TransferQuery query, out string? error)
    {
        var path = DatabasePath(dataDirectory);
        if (!File.Exists(path))
        {
            error = $"ledger '{path}': not found (has the appliance run with this DataDirectory?)";
            return null;
        }

        try
        {
            error = null;
            return RunQuery(ReadOnlyConnectionString(path), query);
        }
        catch (SqliteException e)
        {
            error = $"ledger '{path}': {e.Message}";
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(TransferRecord record, CancellationToken cancellationToken = default)
    {
        if (_writerFailure is { } failure)
        {
            throw new InvalidOperationException("The ledger writer has stopped: " + failure.Message, failure);
        }

        Interlocked.Increment(ref _appended);
        var pending = _queue.Writer.WriteAsync(record, cancellationToken);
        return pending.IsCompletedSuccessfully ? pending : AwaitAppendAsync(pending);
    }

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Volatile.Read(ref _appended);

        // Re-read _appended: an append counted in target may since have been cancelled or refused.
        while (Volatile.Read(ref _committed) < Math.Min(target, Volatile.Read(ref _appended)))
        {
            if (_writerFailure is { } failure)
            {
                throw new InvalidOperationException("The ledger writer has stopped: " + failure.Message, failure);
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<TransferRecord> Query(TransferQuery query) => RunQuery(_readConnectionString, query);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async ValueTask AwaitAppendAsync(ValueTask pending)
    {
        try
        {
            await pending;
        }
        catch
        {
            // Cancelled while waiting for room, or the writer stopped: the record never entered the
            // queue, so it must not be waited for by FlushAsync or counted in Backlog.
            Interlocked.Decrement(ref _appended);
            throw;
        }
    }

    private static string DatabasePath(string dataDirectory) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), "ledger", "transfers.db");

    private static string ReadOnlyConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    private static IReadOnlyList<TransferRecord> RunQuery(string connectionString, TransferQuery query)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM transfers WHERE 1=1");
        if (query.From is { } from)
        {
            sql.Append(" AND time_us >= $from");
            command.Parameters.AddWithValue("$from", ToMicros(from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND time_us < $to");
            command.Parameters.AddWithValue("$to", ToMicros(to));
        }

        AddFilter(sql, command, "decision", query.Decision?.ToString());
        AddFilter(sql, command, "reason", query.Reason?.ToString());
        AddFilter(sql, command, "country", query.Country?.ToUpperInvariant());
        AddFilter(sql, command, "client", query.Client);
        AddFilter(sql, command, "host", query.Host?.ToLowerInvariant());
        sql.Append(" ORDER BY time_us, seq LIMIT $limit OFFSET $offset");
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 1_000_000));
        command.Parameters.AddWithValue("$offset", Math.Max(0, query.Offset));
        command.CommandText = sql.ToString();

        var records = new List<TransferRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static void AddFilter(StringBuilder sql, SqliteCommand command, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = $").Append(column);
        command.Parameters.AddWithValue("$" + column, value);
    }

    private static TransferRecord ReadRecord(SqliteDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Time = DateTimeOffset.UnixEpoch.AddTicks(r.GetInt64(1) * 10),
        Kind = Enum.Parse<TransferKind>(r.GetString(2)),
        Client = r.GetString(3),
        Host = r.GetString(4),
        Ip = r.IsDBNull(5) ? null : r.GetString(5),
        Port = r.GetInt32(6),
        Country = r.IsDBNull(7) ? null : r.GetString(7),
        Outbound = r.GetInt64(8) != 0,
        Mode = Enum.Parse<EnforcementMode>(r.GetString(9)),
        Decision = Enum.Parse<TransferVerdict>(r.GetString(10)),
        Reason = Enum.Parse<ReasonCode>(r.GetString(11)),
        AssessmentId = r.IsDBNull(12) ? null : r.GetString(12),
        Method = r.IsDBNull(13) ? null : r.GetString(13),
        Status = r.GetInt32(14),
        BytesUp = r.GetInt64(15),
        BytesDown = r.GetInt64(16),
        Duration = TimeSpan.FromTicks(r.GetInt64(17) * 10),
        GeoDatabaseBuild = r.IsDBNull(18) ? null : r.GetString(18),
        Inspection = r.IsDBNull(19) ? null : r.GetString(19),
        Findings = r.IsDBNull(20) ? [] : JsonSerializer.Deserialize(r.GetString(20), FindingsJson.Default.FindingSummaryArray) ?? [],
    };

    private static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection OpenWriteConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        return connection;
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            using var connection = OpenWriteConnection();
            using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO transfers ({Columns}) VALUES ($p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7,$p8,$p9,$p10,$p11,$p12,$p13,$p14,$p15,$p16,$p17,$p18,$p19,$p20)";
            var p = new SqliteParameter[21];
            for (var i = 0; i < p.Length; i++)
            {
                p[i] = insert.Parameters.Add("$p" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text);
            }

            insert.Prepare();
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync())
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var record))
                {
                    Bind(p, record);
                    insert.ExecuteNonQuery();
                    count++;
                }

                transaction.Commit();
                Interlocked.Add(ref _committed, count);
            }
        }
        catch (Exception e)
        {
            // Disk full, file removed, corruption: appenders see the failure instead of records vanishing.
            _writerFailure = e;
            _queue.Writer.TryComplete(e);
        }
    }

    private static void Bind(SqliteParameter[] p, TransferRecord r)
    {
        p[0].Value = r.Id.ToString("D");
        p[1].Value = ToMicros(r.Time);
        p[2].Value = r.Kind.ToString();
        p[3].Value = r.Client;
        p[4].Value = r.Host;
        p[5].Value = (object?)r.Ip ?? DBNull.Value;
        p[6].Value = r.Port;
        p[7].Value = (object?)r.Country ?? DBNull.Value;
        p[8].Value = r.Outbound ? 1 : 0;
        p[9].Value = r.Mode.ToString();
        p[10].Value = r.Decision.ToString();
        p[11].Value = r.Reason.ToString();
        p[12].Value = (object?)r.AssessmentId ?? DBNull.Value;
        p[13].Value = (object?)r.Method ?? DBNull.Value;
        p[14].Value = r.Status;
        p[15].Value = r.BytesUp;
        p[16].Value = r.BytesDown;
        p[17].Value = r.Duration.Ticks / 10;
        p[18].Value = (object?)r.GeoDatabaseBuild ?? DBNull.Value;
        p[19].Value = (object?)r.Inspection ?? DBNull.Value;
        p[20].Value = r.Findings.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(r.Findings as FindingSummary[] ?? [.. r.Findings], FindingsJson.Default.FindingSummaryArray);
    }
}
