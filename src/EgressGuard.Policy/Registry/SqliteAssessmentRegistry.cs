using System.Globalization;
using System.Text;
using System.Text.Json;
using EgressGuard.Policy.Assessments;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Policy.Registry;

/// <summary>
/// The assessment registry in an embedded SQLite database (<c>{DataDirectory}/registry/registry.db</c>,
/// WAL). Each change is a new row (id, version) holding the record as JSON with who, when and what
/// changed, and a "not yet in the ledger" flag that <see cref="PendingLedgerChanges"/> drains. The
/// latest versions are cached in an immutable list: <see cref="Current"/> never touches the disk.
/// Changes made by another process (the CLI) are seen by <see cref="Poll"/>, which compares SQLite's
/// <c>PRAGMA data_version</c> — one cheap read — and reloads only when it moved.
/// </summary>
public sealed class SqliteAssessmentRegistry : IAssessmentRegistry, IDisposable
{
    /// <summary>The database file name inside the registry folder.</summary>
    public const string FileName = "registry.db";

    private const int MaxIdLength = 128;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private AssessmentRecord[] _current = [];
    private long _dataVersion;
    private long _generation;
    private bool _disposed;

    private SqliteAssessmentRegistry(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
    }

    /// <summary>Raised (on the changing or polling thread) after the set of current records changed.</summary>
    public event Action? Changed;

    /// <summary>Increases with every change seen (own or another process's).</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The database path.</summary>
    public string Path => _connection.DataSource;

    /// <summary>Opens (creating if needed) the registry under <c>{dataDirectory}/registry/</c>. Returns null with an error text when it cannot.</summary>
    public static SqliteAssessmentRegistry? Open(string dataDirectory, TimeProvider time, out string? error)
    {
        error = null;
        var folder = System.IO.Path.Combine(dataDirectory, "registry");
        var path = System.IO.Path.Combine(folder, FileName);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(folder);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS assessment_versions(
                  id TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL,
                  changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, change TEXT NOT NULL,
                  ledgered INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY(id, version)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS assessment_versions_pending ON assessment_versions(ledgered) WHERE ledgered = 0;
                CREATE TABLE IF NOT EXISTS registry_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                """);
            var registry = new SqliteAssessmentRegistry(connection, time);
            lock (registry._gate)
            {
                registry.ReloadLocked();
            }

            return registry;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            error = $"assessment registry '{path}': {e.Message}";
            return null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<AssessmentRecord> Current() => Volatile.Read(ref _current);

    /// <inheritdoc />
    public AssessmentRecord? Find(string id)
    {
        foreach (var record in Current())
        {
            if (string.Equals(record.Id, id, StringComparison.Ordinal))
            {
                return record;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<AssessmentRecord> History(string id)
    {
        var changes = Changes(id);
        var list = new List<AssessmentRecord>(changes.Count);
        foreach (var change in changes)
        {
            list.Add(change.Record);
        }

        return list;
    }

    /// <summary>Every version of one record with who, when and what changed, oldest first.</summary>
    public IReadOnlyList<AssessmentChange> Changes(string id) =>
        Query("SELECT id, version, record, changed_by, changed_at, change FROM assessment_versions WHERE id = $id ORDER BY version", ("$id", id));

    /// <summary>Versions not yet written to the transfer ledger, in the order they were made.</summary>
    public IReadOnlyList<AssessmentChange> PendingLedgerChanges(int limit = 1000) =>
        Query("SELECT id, version, record, changed_by, changed_at, change FROM assessment_versions WHERE ledgered = 0 ORDER BY changed_at, id, version LIMIT $limit", ("$limit", limit));

    /// <summary>Marks one version as written to the ledger.</summary>
    public void MarkLedgered(string id, int version)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = _connection.CreateCommand();
            command.CommandText = "UPDATE assessment_versions SET ledgered = 1 WHERE id = $id AND version = $version";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$version", version);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public RegistryResult Create(AssessmentRecord record, string actor)
    {
        var errors = Validate(record, actor);
        if (errors.Count > 0)
        {
            return new RegistryResult(RegistryOutcome.Invalid, null, errors);
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction(deferred: false);
            if (LatestVersion(record.Id, transaction) > 0)
            {
                return new RegistryResult(RegistryOutcome.Conflict, null, [$"Id '{record.Id}': a record with this id exists; update it instead"]);
            }

            var stored = record with { Version = 1 };
            Insert(stored, actor, "created", transaction);
            transaction.Commit();
            AfterOwnChangeLocked();
            return new RegistryResult(RegistryOutcome.Stored, stored, []);
        }
    }

    /// <inheritdoc />
    public RegistryResult Update(AssessmentRecord record, string actor)
    {
        var errors = Validate(record, actor);
        if (errors.Count > 0)
        {
            return new RegistryResult(RegistryOutcome.Invalid, null, errors);
        }

        return Change(record.Id, actor, record.Version, latest => (record, null));
    }

    /// <inheritdoc />
    public RegistryResult Revoke(string id, string actor, string reason)
    {
        if (string.IsNullOrWhiteSpace(actor) || string.IsNullOrWhiteSpace(reason))
        {
            return new RegistryResult(RegistryOutcome.Invalid, null, ["actor and reason are required to revoke a record"]);
        }

        return Change(id, actor, 0, latest => (latest with { Status = AssessmentStatus.Revoked }, "revoked: " + reason.Trim()));
    }

    /// <summary>
    /// Imports records (a file or CSV): new ids are created, changed ones get a new version, identical
    /// ones are left alone. Every record is validated first; nothing is stored if any is invalid.
    /// </summary>
    public RegistryImportResult Import(IReadOnlyList<AssessmentRecord> records, string actor)
    {
        var errors = new List<string>();
        foreach (var record in records)
        {
            foreach (var error in Validate(record, actor))
            {
                errors.Add(error);
            }
        }

        if (errors.Count > 0)
        {
            return new RegistryImportResult(0, 0, 0, errors);
        }

        int added = 0, changed = 0, unchanged = 0;
        foreach (var record in records)
        {
            var existing = Find(record.Id);
            var result = existing is null ? Create(record with { Version = 0 }, actor) : Update(record with { Version = 0 }, actor);
            if (result.Outcome != RegistryOutcome.Stored)
            {
                errors.AddRange(result.Errors);
            }
            else if (existing is null)
            {
                added++;
            }
            else if (result.Record!.Version != existing.Version)
            {
                changed++;
            }
            else
            {
                unchanged++;
            }
        }

        return new RegistryImportResult(added, changed, unchanged, errors);
    }

    /// <summary>Reads a value kept beside the records (for example the hash of the last imported file).</summary>
    public string? GetMeta(string key)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT value FROM registry_meta WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>Stores a value beside the records.</summary>
    public void SetMeta(string key, string value)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO registry_meta(key, value) VALUES($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Checks whether another process changed the database (one <c>PRAGMA data_version</c> read) and
    /// reloads if so. Returns true when the current records changed.
    /// </summary>
    public bool Poll()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            try
            {
                if (ReadDataVersion() == _dataVersion)
                {
                    return false;
                }

                ReloadLocked();
            }
            catch (SqliteException)
            {
                return false; // busy or briefly unreadable: the next poll retries
            }
        }

        Interlocked.Increment(ref _generation);
        Changed?.Invoke();
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection.Dispose();
        }
    }

    private static List<string> Validate(AssessmentRecord record, string actor)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(actor))
        {
            errors.Add("actor is required (who makes the change)");
        }

        if (string.IsNullOrWhiteSpace(record.Id) || record.Id.Length > MaxIdLength || record.Id.Any(char.IsControl) || record.Id != record.Id.Trim())
        {
            errors.Add($"Id '{record.Id}': 1-{MaxIdLength} characters, no control characters or surrounding spaces");
        }

        // Round trip through the JSON reader: the registry applies exactly the rules a file import does.
        var checkedRecord = AssessmentFileReader.ReadRecord(AssessmentFileWriter.WriteRecord(record));
        errors.AddRange(checkedRecord.Errors);
        return errors;
    }

    private RegistryResult Change(string id, string actor, int expectedVersion, Func<AssessmentRecord, (AssessmentRecord Next, string? Change)> change)
    {
        AssessmentRecord stored;
        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction(deferred: false);
            var latest = Latest(id, transaction);
            if (latest is null)
            {
                return new RegistryResult(RegistryOutcome.NotFound, null, [$"Id '{id}': no such record"]);
            }

            if (expectedVersion != 0 && expectedVersion != latest.Version)
            {
                return new RegistryResult(RegistryOutcome.Conflict, latest, [$"Id '{id}': version {expectedVersion} is not the latest ({latest.Version}); re-read and retry"]);
            }

            var (next, text) = change(latest);
            next = next with { Version = latest.Version + 1 };
            var changedFields = Diff(latest, next);
            if (changedFields.Count == 0)
            {
                return new RegistryResult(RegistryOutcome.Stored, latest, []);
            }

            Insert(next, actor, text ?? "changed: " + string.Join(", ", changedFields), transaction);
            transaction.Commit();
            stored = next;
            AfterOwnChangeLocked();
        }

        return new RegistryResult(RegistryOutcome.Stored, stored, []);
    }

    /// <summary>Top-level JSON fields whose value differs between two versions (the version number itself excluded).</summary>
    private static List<string> Diff(AssessmentRecord before, AssessmentRecord after)
    {
        using var a = JsonDocument.Parse(AssessmentFileWriter.WriteRecord(before with { Version = 0 }));
        using var b = JsonDocument.Parse(AssessmentFileWriter.WriteRecord(after with { Version = 0 }));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in a.RootElement.EnumerateObject())
        {
            if (!b.RootElement.TryGetProperty(p.Name, out var other) || other.GetRawText() != p.Value.GetRawText())
            {
                names.Add(p.Name);
            }
        }

        foreach (var p in b.RootElement.EnumerateObject())
        {
            if (!a.RootElement.TryGetProperty(p.Name, out _))
            {
                names.Add(p.Name);
            }
        }

        return [.. names];
    }

    private void AfterOwnChangeLocked()
    {
        ReloadLocked();
        Interlocked.Increment(ref _generation);
        var handler = Changed;
        handler?.Invoke();
    }

    private void Insert(AssessmentRecord record, string actor, string change, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO assessment_versions(id, version, record, changed_by, changed_at, change) VALUES($id, $version, $record, $by, $at, $change)";
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$record", Encoding.UTF8.GetString(AssessmentFileWriter.WriteRecord(record)));
        command.Parameters.AddWithValue("$by", actor.Trim());
        command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$change", change);
        command.ExecuteNonQuery();
    }

    private int LatestVersion(string id, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM assessment_versions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private AssessmentRecord? Latest(string id, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT record, version FROM assessment_versions WHERE id = $id ORDER BY version DESC LIMIT 1";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Parse(reader.GetString(0), reader.GetInt32(1)) : null;
    }

    private void ReloadLocked()
    {
        var list = new List<AssessmentRecord>();
        using (var command = _connection.CreateCommand())
        {
            // Latest version per id, in creation order of the id (stable "first record" for the index).
            command.CommandText = """
                SELECT v.record, v.version FROM assessment_versions v
                JOIN (SELECT id, MAX(version) AS version, MIN(changed_at) AS created FROM assessment_versions GROUP BY id) m
                  ON m.id = v.id AND m.version = v.version
                ORDER BY m.created, v.id
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (Parse(reader.GetString(0), reader.GetInt32(1)) is { } record)
                {
                    list.Add(record);
                }
            }
        }

        _dataVersion = ReadDataVersion();
        Volatile.Write(ref _current, [.. list]);
    }

    private long ReadDataVersion()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private List<AssessmentChange> Query(string sql, params (string Name, object Value)[] parameters)
    {
        var list = new List<AssessmentChange>();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var record = Parse(reader.GetString(2), reader.GetInt32(1));
                if (record is null)
                {
                    continue;
                }

                var time = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                list.Add(new AssessmentChange(reader.GetString(0), reader.GetInt32(1), reader.GetString(3), time, reader.GetString(5), record));
            }
        }

        return list;
    }

    /// <summary>A stored row that no longer parses (hand-edited database) is skipped rather than taking the appliance down.</summary>
    private static AssessmentRecord? Parse(string json, int version)
    {
        var result = AssessmentFileReader.ReadRecord(Encoding.UTF8.GetBytes(json));
        return result.Record is { } record ? record with { Version = version } : null;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
