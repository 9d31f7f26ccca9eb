using EgressGuard.Ledger.Merkle;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Proof generation over a ledger directory (read-only; safe while the appliance writes): leaf
/// hashes from the partitions' <c>entries.leaf</c> column, 256- and 65,536-leaf subtree hashes from
/// their <c>blocks</c> tables, and, below the log start after a purge, the subtrees of the frontier
/// recorded at the purge — so a record kept after a purge still has proofs up to a later checkpoint.
/// A partition is opened (and its sequence range read) only when a search lands on it: a proof touches
/// O(log n) of two years' partitions. Connections stay open until <see cref="Dispose"/>.
/// </summary>
public sealed class StoreHashSource : IMerkleHashSource, IDisposable
{
    private readonly string _dataDirectory;
    private readonly List<DateOnly> _days;
    private readonly Dictionary<int, (ulong First, ulong Last)?> _ranges = [];
    private readonly Dictionary<(ulong Start, int Level), MerkleHash> _known = [];
    private readonly Dictionary<DateOnly, SqliteConnection> _connections = [];

    /// <summary>Lists the partitions and reads the log start of <paramref name="dataDirectory"/>.</summary>
    public StoreHashSource(string dataDirectory)
    {
        _dataDirectory = dataDirectory;
        _days = LedgerFiles.ListPartitions(dataDirectory);

        var (size, frontier) = LedgerReader.ReadLogStart(dataDirectory);
        LogStart = size;
        AddFrontier(size, frontier);
    }

    /// <summary>The first sequence number whose row is kept (0 until a purge).</summary>
    public ulong LogStart { get; }

    /// <summary>One past the highest stored sequence number (the newest non-empty partition's last, plus one).</summary>
    public ulong StoredEnd
    {
        get
        {
            for (var i = _days.Count - 1; i >= 0; i--)
            {
                if (RangeOf(i) is { } range)
                {
                    return range.Last + 1;
                }
            }

            return LogStart;
        }
    }

    /// <summary>
    /// Makes the subtrees of a stored frontier (the compact range of the first <paramref name="size"/>
    /// leaves, largest subtree first) available to proofs, e.g. a checkpoint's frontier when its
    /// leaves were purged. Unchecked here: a proof built from a wrong hash fails against the signed roots.
    /// </summary>
    public void AddFrontier(ulong size, IReadOnlyList<MerkleHash> frontier)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        var start = 0UL;
        var i = 0;
        for (var bit = 63; bit >= 0 && i < frontier.Count; bit--)
        {
            if ((size & (1UL << bit)) != 0)
            {
                _known.TryAdd((start, bit), frontier[i++]);
                start += 1UL << bit;
            }
        }
    }

    /// <summary>The canonical bytes of entry <paramref name="sequence"/>; null when it is not stored.</summary>
    public byte[]? ReadEntry(ulong sequence)
    {
        if (Connection(sequence) is not { } connection)
        {
            return null;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT canon FROM entries WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", (long)sequence);
        return command.ExecuteScalar() as byte[];
    }

    /// <inheritdoc />
    public bool TryReadLeafHashes(ulong start, Span<MerkleHash> destination)
    {
        if (destination.IsEmpty)
        {
            return true;
        }

        if (destination.Length == 1 && _known.TryGetValue((start, 0), out destination[0]))
        {
            return true;
        }

        if (start < LogStart)
        {
            return false;
        }

        var done = 0;
        while (done < destination.Length)
        {
            var seq = start + (ulong)done;
            var partition = Find(seq);
            if (partition < 0)
            {
                return false;
            }

            var last = Math.Min(RangeOf(partition)!.Value.Last, start + (ulong)destination.Length - 1);
            using var command = Open(partition).CreateCommand();
            command.CommandText = "SELECT seq, leaf FROM entries WHERE seq >= $from AND seq <= $to ORDER BY seq";
            command.Parameters.AddWithValue("$from", (long)seq);
            command.Parameters.AddWithValue("$to", (long)last);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if ((ulong)reader.GetInt64(0) != start + (ulong)done || reader.IsDBNull(1)
                    || reader.GetValue(1) is not byte[] leaf || !MerkleHash.TryRead(leaf, out destination[done]))
                {
                    return false;
                }

                done++;
            }

            if (start + (ulong)done <= last)
            {
                return false; // a row missing inside the partition's range
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool TryGetSubtreeHash(ulong start, int level, out MerkleHash hash)
    {
        var size = 1UL << level;
        if (_known.TryGetValue((start, level), out hash))
        {
            return true;
        }

        if (start + size <= LogStart || level is not (8 or 16))
        {
            return false;
        }

        // The writer stores a block in the partition that was open when its last leaf was written.
        var partition = Find(start + size - 1);
        if (partition < 0)
        {
            return false;
        }

        using var command = Open(partition).CreateCommand();
        command.CommandText = "SELECT hash FROM blocks WHERE level = $level AND start_seq = $start";
        command.Parameters.AddWithValue("$level", level);
        command.Parameters.AddWithValue("$start", (long)start);
        return command.ExecuteScalar() is byte[] bytes && MerkleHash.TryRead(bytes, out hash);
    }

    /// <summary>Closes the partition connections.</summary>
    public void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }

        _connections.Clear();
    }

    private SqliteConnection? Connection(ulong sequence)
    {
        var partition = Find(sequence);
        return partition < 0 ? null : Open(partition);
    }

    // Binary search over the days; a day without rows is passed over towards the newer end.
    private int Find(ulong sequence)
    {
        int lo = 0, hi = _days.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var found = mid;
            (ulong First, ulong Last)? range;
            while ((range = RangeOf(found)) is null && found < hi)
            {
                found++;
            }

            if (range is not var (first, last))
            {
                hi = mid - 1; // mid..hi hold no rows
            }
            else if (sequence < first)
            {
                hi = mid - 1;
            }
            else if (sequence > last)
            {
                lo = found + 1;
            }
            else
            {
                return found;
            }
        }

        return -1;
    }

    private (ulong First, ulong Last)? RangeOf(int partition)
    {
        if (!_ranges.TryGetValue(partition, out var range))
        {
            using var command = Open(partition).CreateCommand();
            command.CommandText = "SELECT MIN(seq), MAX(seq) FROM entries";
            using var reader = command.ExecuteReader();
            range = reader.Read() && !reader.IsDBNull(0) ? ((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1)) : null;
            _ranges[partition] = range;
        }

        return range;
    }

    private SqliteConnection Open(int partition)
    {
        var day = _days[partition];
        if (!_connections.TryGetValue(day, out var connection))
        {
            connection = new SqliteConnection(LedgerFiles.ReadOnly(LedgerFiles.PartitionPath(_dataDirectory, day)));
            connection.Open();
            _connections[day] = connection;
        }

        return connection;
    }
}
