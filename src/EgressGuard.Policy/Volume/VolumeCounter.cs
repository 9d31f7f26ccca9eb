using System.Globalization;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Policy.Volume;

/// <summary>
/// Distinct individuals per processor (scope <c>""</c>) and per record (scope = record id) since
/// 00:00 1 January China time, sensitive and non-sensitive apart, persisted in
/// <c>{DataDirectory}/registry/volume.db</c> so counts survive restarts. Only transfers that carry
/// personal information reach it (the no-PI path never does), so its lock costs the common path
/// nothing. <see cref="DecideAndCount"/> makes check-and-count atomic: two concurrent requests
/// cannot both slip a new person in under a threshold.
/// </summary>
public sealed class VolumeCounter : IDisposable
{
    /// <summary>The database file name inside the registry folder.</summary>
    public const string FileName = "volume.db";

    private const string Processor = "";
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Scope, bool Sensitive), HashSet<UInt128>> _keys = [];
    private readonly Dictionary<(string Scope, bool Sensitive), long> _counts = [];
    private int _year;
    private bool _disposed;

    private VolumeCounter(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <summary>Raised (on the counting thread) when the processor's count reaches 80% of a threshold.</summary>
    public event Action<VolumeAlert>? ThresholdApproached;

    /// <summary>Opens (creating if needed) the counter under <c>{dataDirectory}/registry/</c>.</summary>
    public static VolumeCounter? Open(string dataDirectory, out string? error)
    {
        error = null;
        var folder = Path.Combine(dataDirectory, "registry");
        var path = Path.Combine(folder, FileName);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(folder);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;
                CREATE TABLE IF NOT EXISTS individual_keys(year INTEGER NOT NULL, scope TEXT NOT NULL, sensitive INTEGER NOT NULL, key BLOB NOT NULL,
                  PRIMARY KEY(year, scope, sensitive, key)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS individual_counts(year INTEGER NOT NULL, scope TEXT NOT NULL, sensitive INTEGER NOT NULL, count INTEGER NOT NULL,
                  PRIMARY KEY(year, scope, sensitive)) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
            return new VolumeCounter(connection);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            error = $"volume counter '{path}': {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// Decides a transfer carrying <paramref name="people"/> with the current counts, and counts them
    /// when it proceeds outbound (Allow or Report). Individuals already counted are never "new", so
    /// they keep flowing past a threshold; a transfer refused counts nobody.
    /// </summary>
    public TransferDecision DecideAndCount(PolicySnapshot policy, in TransferContext flow, DateTimeOffset now, IReadOnlyList<Individual> people)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            EnsureYear(now);
            var facts = ProbeLocked(people);
            var decision = TransferPolicy.Decide(policy, flow, now, facts);
            if (decision.Proceeds && decision.Outbound && people.Count > 0)
            {
                CommitLocked(people, decision.Assessment?.Id, policy.Thresholds);
            }

            return decision;
        }
    }

    /// <summary>What <paramref name="people"/> would add, without counting them.</summary>
    public VolumeFacts Probe(IReadOnlyList<Individual> people, DateTimeOffset now)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            EnsureYear(now);
            return ProbeLocked(people);
        }
    }

    /// <summary>Counts <paramref name="people"/> for the processor and, when given, for record <paramref name="recordId"/>.</summary>
    public void Count(IReadOnlyList<Individual> people, string? recordId, DateTimeOffset now, VolumeThresholds thresholds)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            EnsureYear(now);
            CommitLocked(people, recordId, thresholds);
        }
    }

    /// <summary>Totals this year for the processor (<paramref name="recordId"/> null) or one record.</summary>
    public VolumeTotals Totals(string? recordId, DateTimeOffset now)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            EnsureYear(now);
            var scope = recordId ?? Processor;
            return new VolumeTotals(_year, CountOf(scope, false), CountOf(scope, true));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _connection.Dispose();
            }
        }
    }

    private VolumeFacts ProbeLocked(IReadOnlyList<Individual> people)
    {
        int newNonSensitive = 0, newSensitive = 0;
        HashSet<UInt128>? seenHere = null;
        foreach (var person in people)
        {
            // Remember this transfer's keys only when another person follows (one person: no allocation).
            if (IsNew(Processor, person, people.Count > 1, ref seenHere))
            {
                if (person.Sensitive)
                {
                    newSensitive++;
                }
                else
                {
                    newNonSensitive++;
                }
            }
        }

        return new VolumeFacts(CountOf(Processor, false), CountOf(Processor, true), newNonSensitive, newSensitive);
    }

    /// <summary>New when none of the person's keys is known in the scope nor was seen earlier in this transfer.</summary>
    private bool IsNew(string scope, Individual person, bool track, ref HashSet<UInt128>? seenHere)
    {
        var known = _keys.GetValueOrDefault((scope, person.Sensitive));
        var isNew = true;
        foreach (var key in person.Keys)
        {
            if ((known is not null && known.Contains(key)) || (seenHere is not null && seenHere.Contains(key)))
            {
                isNew = false;
            }
        }

        if (track)
        {
            seenHere ??= [];
            foreach (var key in person.Keys)
            {
                seenHere.Add(key);
            }
        }

        return isNew;
    }

    private void CommitLocked(IReadOnlyList<Individual> people, string? recordId, VolumeThresholds thresholds)
    {
        if (AllKnown(people, Processor) && (recordId is null || AllKnown(people, recordId)))
        {
            return; // the common repeat: nothing to write, no transaction
        }

        var before = (NonSensitive: CountOf(Processor, false), Sensitive: CountOf(Processor, true));
        using var transaction = _connection.BeginTransaction();
        foreach (var person in people)
        {
            CommitPerson(Processor, person, transaction);
            if (recordId is not null)
            {
                CommitPerson(recordId, person, transaction);
            }
        }

        transaction.Commit();
        var after = (NonSensitive: CountOf(Processor, false), Sensitive: CountOf(Processor, true));
        Alert(false, before.NonSensitive, after.NonSensitive, thresholds.StandardContract);
        Alert(false, before.NonSensitive, after.NonSensitive, thresholds.SecurityAssessment);
        Alert(true, before.Sensitive, after.Sensitive, thresholds.SensitiveSecurityAssessment);
    }

    private void Alert(bool sensitive, long before, long after, long threshold)
    {
        var mark = (long)Math.Ceiling(threshold * 0.8);
        if (before < mark && after >= mark)
        {
            ThresholdApproached?.Invoke(new VolumeAlert(sensitive, after, threshold));
        }
    }

    private void CommitPerson(string scope, Individual person, SqliteTransaction transaction)
    {
        var slot = (scope, person.Sensitive);
        if (!_keys.TryGetValue(slot, out var known))
        {
            _keys[slot] = known = [];
        }

        var isNew = true;
        foreach (var key in person.Keys)
        {
            if (known.Contains(key))
            {
                isNew = false;
            }
        }

        Span<byte> bytes = stackalloc byte[16];
        foreach (var key in person.Keys)
        {
            if (known.Add(key))
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO individual_keys(year, scope, sensitive, key) VALUES($y, $s, $t, $k)";
                insert.Parameters.AddWithValue("$y", _year);
                insert.Parameters.AddWithValue("$s", scope);
                insert.Parameters.AddWithValue("$t", person.Sensitive ? 1 : 0);
                insert.Parameters.AddWithValue("$k", bytes.ToArray());
                insert.ExecuteNonQuery();
            }
        }

        if (isNew)
        {
            var count = CountOf(scope, person.Sensitive) + 1;
            _counts[slot] = count;
            using var upsert = _connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT INTO individual_counts(year, scope, sensitive, count) VALUES($y, $s, $t, $c) ON CONFLICT(year, scope, sensitive) DO UPDATE SET count = excluded.count";
            upsert.Parameters.AddWithValue("$y", _year);
            upsert.Parameters.AddWithValue("$s", scope);
            upsert.Parameters.AddWithValue("$t", person.Sensitive ? 1 : 0);
            upsert.Parameters.AddWithValue("$c", count);
            upsert.ExecuteNonQuery();
        }
    }

    private bool AllKnown(IReadOnlyList<Individual> people, string scope)
    {
        foreach (var person in people)
        {
            if (!_keys.TryGetValue((scope, person.Sensitive), out var known))
            {
                return false;
            }

            foreach (var key in person.Keys)
            {
                if (!known.Contains(key))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private long CountOf(string scope, bool sensitive) => _counts.GetValueOrDefault((scope, sensitive));

    /// <summary>Counting restarts at 00:00 1 January China time (not UTC): load the year's counts when it changes.</summary>
    private void EnsureYear(DateTimeOffset now)
    {
        var year = ChinaTime.DateOf(now).Year;
        if (year == _year)
        {
            return;
        }

        _year = year;
        _keys.Clear();
        _counts.Clear();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT scope, sensitive, count FROM individual_counts WHERE year = $y";
            command.Parameters.AddWithValue("$y", year);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _counts[(reader.GetString(0), reader.GetInt64(1) != 0)] = reader.GetInt64(2);
            }
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT scope, sensitive, key FROM individual_keys WHERE year = $y";
            command.Parameters.AddWithValue("$y", year);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var slot = (reader.GetString(0), reader.GetInt64(1) != 0);
                if (!_keys.TryGetValue(slot, out var set))
                {
                    _keys[slot] = set = [];
                }

                var blob = (byte[])reader.GetValue(2);
                if (blob.Length == 16)
                {
                    set.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(blob));
                }
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
