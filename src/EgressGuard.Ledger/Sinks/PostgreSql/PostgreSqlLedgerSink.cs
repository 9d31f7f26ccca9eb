using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace EgressGuard.Ledger.Sinks.PostgreSql;

/// <summary>
/// Ships entries and checkpoints to the fleet's central PostgreSQL exactly once: each batch is
/// inserted with <c>ON CONFLICT DO NOTHING</c> under the key (origin, sequence) / (origin, number)
/// and moves the origin's row in <c>egressguard_sink_cursors</c> in the same transaction, guarded by
/// the cursor it expects. On (re)connect the central cursor is read back and wins over the local
/// file, so a crash between commit and the local cursor write ships nothing twice.
/// </summary>
internal sealed class PostgreSqlLedgerSink : LedgerSinkBase
{
    /// <summary>The schema, as shipped in the repository (<c>postgresql-schema.sql</c>).</summary>
    public static readonly string Schema = ReadSchema();

    private const long SchemaLockKey = 0x45_47_4C_45_44_47_45_52; // "EGLEDGER": serialises schema and partition DDL across appliances

    private const string InsertEntries = """
        INSERT INTO egressguard_entries (origin, seq, time, kind, canonical, leaf, record_id, client, host, ip, port, country,
            outbound, mode, decision, reason, assessment_id, method, status, bytes_up, bytes_down, duration_us, inspection,
            findings, geo_build, subject, detail)
        SELECT @origin, u.seq, u.time, u.kind, u.canonical, u.leaf, u.record_id, u.client, u.host, u.ip, u.port, u.country,
            u.outbound, u.mode, u.decision, u.reason, u.assessment_id, u.method, u.status, u.bytes_up, u.bytes_down, u.duration_us,
            u.inspection, u.findings::jsonb, u.geo_build, u.subject, u.detail
        FROM unnest(@seq, @time, @kind, @canonical, @leaf, @record_id, @client, @host, @ip, @port, @country, @outbound, @mode,
            @decision, @reason, @assessment_id, @method, @status, @bytes_up, @bytes_down, @duration_us, @inspection, @findings,
            @geo_build, @subject, @detail)
            AS u(seq, time, kind, canonical, leaf, record_id, client, host, ip, port, country, outbound, mode, decision, reason,
            assessment_id, method, status, bytes_up, bytes_down, duration_us, inspection, findings, geo_build, subject, detail)
        ON CONFLICT DO NOTHING
        """;

    private const string InsertCheckpoints = """
        INSERT INTO egressguard_checkpoints (origin, number, tree_size, time, note)
        SELECT @origin, u.number, u.tree_size, u.time, u.note FROM unnest(@number, @tree_size, @time, @note) AS u(number, tree_size, time, note)
        ON CONFLICT DO NOTHING
        """;

    private readonly PostgreSqlSinkOptions _options;
    private readonly HashSet<int> _partitions = [];
    private NpgsqlDataSource? _dataSource;
    private NpgsqlConnection? _connection;

    public PostgreSqlLedgerSink(ILedgerFeed feed, PostgreSqlSinkOptions options, string cursorPath, ILoggerFactory loggerFactory, IMeterFactory meterFactory, TimeProvider? time = null)
        : base("postgresql", feed, cursorPath, options.Shipping, loggerFactory, meterFactory, time)
    {
        _options = options;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Destination = string.Create(CultureInfo.InvariantCulture, $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <inheritdoc />
    protected override string Destination { get; }

    /// <inheritdoc />
    protected override async Task<SinkConnectResult> ConnectAsync(SinkCursor local, CancellationToken cancellationToken)
    {
        await DisconnectAsync();
        try
        {
            _dataSource ??= new NpgsqlDataSourceBuilder(_options.ConnectionString).Build();
            _connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            _partitions.Clear();
            await using (var transaction = await _connection.BeginTransactionAsync(cancellationToken))
            {
                await LockDdlAsync(transaction, cancellationToken);
                await using (var schema = new NpgsqlCommand(Schema, _connection, transaction))
                {
                    await schema.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var ensure = new NpgsqlCommand("INSERT INTO egressguard_sink_cursors (origin, next_sequence, next_checkpoint) VALUES (@origin, 0, 0) ON CONFLICT DO NOTHING", _connection, transaction))
                {
                    ensure.Parameters.AddWithValue("origin", Origin);
                    await ensure.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            await using var read = new NpgsqlCommand("SELECT next_sequence, next_checkpoint FROM egressguard_sink_cursors WHERE origin = @origin", _connection);
            read.Parameters.AddWithValue("origin", Origin);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return SinkConnectResult.Failed("the central cursor row vanished");
            }

            return new SinkConnectResult(new SinkCursor((ulong)reader.GetInt64(0), reader.GetInt64(1)), null);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            await DisconnectAsync();
            return SinkConnectResult.Failed(Describe(e));
        }
    }

    /// <inheritdoc />
    protected override async Task<string?> DeliverAsync(SinkCursor from, IReadOnlyList<FeedEntry> entries, IReadOnlyList<FeedCheckpoint> checkpoints, SinkCursor to, CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            return "not connected";
        }

        var rows = EntryRows.Create(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (rows.Add(i, entries[i]) is { } invalid)
            {
                return invalid;
            }
        }

        try
        {
            await EnsurePartitionsAsync(rows.Times, cancellationToken);
            await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
            if (entries.Count > 0)
            {
                await using var insert = new NpgsqlCommand(InsertEntries, _connection, transaction);
                rows.Bind(insert, Origin);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            if (checkpoints.Count > 0)
            {
                await using var insert = new NpgsqlCommand(InsertCheckpoints, _connection, transaction);
                var numbers = new long[checkpoints.Count];
                var sizes = new long[checkpoints.Count];
                var times = new DateTime[checkpoints.Count];
                var notes = new string[checkpoints.Count];
                for (var i = 0; i < checkpoints.Count; i++)
                {
                    numbers[i] = checkpoints[i].Number;
                    sizes[i] = checked((long)checkpoints[i].TreeSize);
                    times[i] = checkpoints[i].Time.UtcDateTime;
                    notes[i] = checkpoints[i].Note;
                }

                insert.Parameters.AddWithValue("origin", Origin);
                insert.Parameters.AddWithValue("number", numbers);
                insert.Parameters.AddWithValue("tree_size", sizes);
                insert.Parameters.AddWithValue("time", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, times);
                insert.Parameters.AddWithValue("note", notes);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var cursor = new NpgsqlCommand(
                "UPDATE egressguard_sink_cursors SET next_sequence = @to_seq, next_checkpoint = @to_cp, updated_at = now() WHERE origin = @origin AND next_sequence = @from_seq AND next_checkpoint = @from_cp",
                _connection,
                transaction))
            {
                cursor.Parameters.AddWithValue("origin", Origin);
                cursor.Parameters.AddWithValue("to_seq", checked((long)to.NextSequence));
                cursor.Parameters.AddWithValue("to_cp", to.NextCheckpoint);
                cursor.Parameters.AddWithValue("from_seq", checked((long)from.NextSequence));
                cursor.Parameters.AddWithValue("from_cp", from.NextCheckpoint);
                if (await cursor.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    // Someone else (another process with this origin, or a restored database) moved the cursor:
                    // roll back and reconnect, which re-reads it.
                    await transaction.RollbackAsync(cancellationToken);
                    return "the central cursor is not where this sink left it (another appliance with the same origin?); re-reading it";
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or OverflowException)
        {
            return Describe(e);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask DisconnectAsync()
    {
        if (_connection is not null)
        {
            var connection = _connection;
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    /// <inheritdoc />
    protected override async ValueTask ReleaseAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            _dataSource = null;
        }
    }

    private static string Describe(Exception e) => e is PostgresException pg
        ? string.Create(CultureInfo.InvariantCulture, $"PostgreSQL {pg.SqlState}: {pg.MessageText}")
        : e.InnerException is { } inner ? e.Message + " (" + inner.Message + ")" : e.Message;

    private static async Task LockDdlAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", transaction.Connection, transaction);
        command.Parameters.AddWithValue("key", SchemaLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task EnsurePartitionsAsync(DateTime[] times, CancellationToken cancellationToken)
    {
        foreach (var time in times)
        {
            var month = (time.Year * 100) + time.Month;
            if (_partitions.Contains(month))
            {
                continue;
            }

            var start = new DateTime(time.Year, time.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            var end = start.AddMonths(1);
            var sql = string.Create(
                CultureInfo.InvariantCulture,
                $"CREATE TABLE IF NOT EXISTS egressguard_entries_y{start:yyyy}m{start:MM} PARTITION OF egressguard_entries FOR VALUES FROM ('{start:yyyy-MM-dd} 00:00:00+00') TO ('{end:yyyy-MM-dd} 00:00:00+00')");
            await using var transaction = await _connection!.BeginTransactionAsync(cancellationToken);
            await LockDdlAsync(transaction, cancellationToken);
            await using (var command = new NpgsqlCommand(sql, _connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            _partitions.Add(month);
        }
    }

    private static string ReadSchema()
    {
        using var stream = typeof(PostgreSqlLedgerSink).Assembly.GetManifestResourceStream("EgressGuard.Ledger.Sinks.PostgreSql.postgresql-schema.sql")
            ?? throw new InvalidOperationException("postgresql-schema.sql is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Column arrays for one batch (bound to <c>unnest</c>: one round trip per batch).</summary>
    private sealed class EntryRows
    {
        private long[] _seq = [];
        private string[] _kind = [];
        private byte[][] _canonical = [];
        private byte[][] _leaf = [];
        private Guid[] _recordId = [];
        private string?[] _client = [], _host = [], _ip = [], _country = [], _mode = [], _decision = [], _reason = [];
        private string?[] _assessmentId = [], _method = [], _inspection = [], _findings = [], _geoBuild = [], _subject = [], _detail = [];
        private int?[] _port = [], _status = [];
        private bool?[] _outbound = [];
        private long?[] _bytesUp = [], _bytesDown = [], _durationUs = [];

        public DateTime[] Times { get; private set; } = [];

        public static EntryRows Create(int count) => new()
        {
            _seq = new long[count],
            Times = new DateTime[count],
            _kind = new string[count],
            _canonical = new byte[count][],
            _leaf = new byte[count][],
            _recordId = new Guid[count],
            _client = new string?[count],
            _host = new string?[count],
            _ip = new string?[count],
            _country = new string?[count],
            _mode = new string?[count],
            _decision = new string?[count],
            _reason = new string?[count],
            _assessmentId = new string?[count],
            _method = new string?[count],
            _inspection = new string?[count],
            _findings = new string?[count],
            _geoBuild = new string?[count],
            _subject = new string?[count],
            _detail = new string?[count],
            _port = new int?[count],
            _status = new int?[count],
            _outbound = new bool?[count],
            _bytesUp = new long?[count],
            _bytesDown = new long?[count],
            _durationUs = new long?[count],
        };

        /// <summary>Fills row <paramref name="i"/>; returns an error when the feed's bytes are not what it claims.</summary>
        public string? Add(int i, in FeedEntry entry)
        {
            var canonical = entry.Canonical.Span;
            if (CanonicalDecoder.TryReadHeader(canonical, out var header) != CanonicalDecodeError.None || header.Sequence != entry.Sequence)
            {
                return string.Create(CultureInfo.InvariantCulture, $"ledger entry {entry.Sequence}: its canonical bytes do not carry that sequence; not shipped");
            }

            if (entry.Sequence > long.MaxValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"ledger entry {entry.Sequence}: sequence beyond PostgreSQL bigint");
            }

            _seq[i] = (long)entry.Sequence;
            Times[i] = header.Time.UtcDateTime;
            _kind[i] = header.Kind.ToString();
            _canonical[i] = canonical.ToArray();
            _leaf[i] = TreeHasher.HashLeaf(canonical).ToArray();
            if (entry.Entry.Transfer is { } t)
            {
                _recordId[i] = t.Id;
                _client[i] = t.Client;
                _host[i] = t.Host;
                _ip[i] = t.Ip;
                _port[i] = t.Port;
                _country[i] = t.Country;
                _outbound[i] = t.Outbound;
                _mode[i] = t.Mode.ToString();
                _decision[i] = t.Decision.ToString();
                _reason[i] = t.Reason.ToString();
                _assessmentId[i] = t.AssessmentId;
                _method[i] = t.Method;
                _status[i] = t.Status;
                _bytesUp[i] = t.BytesUp;
                _bytesDown[i] = t.BytesDown;
                _durationUs[i] = CanonicalTime.ToMicroseconds(t.Duration);
                _inspection[i] = t.Inspection;
                _findings[i] = JsonSerializer.Serialize([.. t.Findings], FindingsJson.Default.FindingSummaryArray);
                _geoBuild[i] = t.GeoDatabaseBuild;
            }
            else if (entry.Entry.Event is { } e)
            {
                _recordId[i] = e.Id;
                _subject[i] = e.Subject;
                _detail[i] = e.Detail;
            }

            return null;
        }

        public void Bind(NpgsqlCommand command, string origin)
        {
            var p = command.Parameters;
            p.AddWithValue("origin", origin);
            p.AddWithValue("seq", _seq);
            p.AddWithValue("time", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Times);
            p.AddWithValue("kind", _kind);
            p.AddWithValue("canonical", NpgsqlDbType.Array | NpgsqlDbType.Bytea, _canonical);
            p.AddWithValue("leaf", NpgsqlDbType.Array | NpgsqlDbType.Bytea, _leaf);
            p.AddWithValue("record_id", _recordId);
            Text(p, "client", _client);
            Text(p, "host", _host);
            Text(p, "ip", _ip);
            p.AddWithValue("port", NpgsqlDbType.Array | NpgsqlDbType.Integer, _port);
            Text(p, "country", _country);
            p.AddWithValue("outbound", NpgsqlDbType.Array | NpgsqlDbType.Boolean, _outbound);
            Text(p, "mode", _mode);
            Text(p, "decision", _decision);
            Text(p, "reason", _reason);
            Text(p, "assessment_id", _assessmentId);
            Text(p, "method", _method);
            p.AddWithValue("status", NpgsqlDbType.Array | NpgsqlDbType.Integer, _status);
            p.AddWithValue("bytes_up", NpgsqlDbType.Array | NpgsqlDbType.Bigint, _bytesUp);
            p.AddWithValue("bytes_down", NpgsqlDbType.Array | NpgsqlDbType.Bigint, _bytesDown);
            p.AddWithValue("duration_us", NpgsqlDbType.Array | NpgsqlDbType.Bigint, _durationUs);
            Text(p, "inspection", _inspection);
            Text(p, "findings", _findings);
            Text(p, "geo_build", _geoBuild);
            Text(p, "subject", _subject);
            Text(p, "detail", _detail);
        }

        private static void Text(NpgsqlParameterCollection parameters, string name, string?[] values) =>
            parameters.AddWithValue(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values);
    }
}
