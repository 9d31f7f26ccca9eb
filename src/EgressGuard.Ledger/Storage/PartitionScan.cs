using System.Runtime.CompilerServices;
using System.Text;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Verification;
using SQLitePCL;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The store verifier's read side: partition rows in sequence order through SQLite's C API, with the
/// filter columns checked against the hashed bytes on spans (no decoded record, no strings) and the
/// rows handed on in batches. Equivalent to reading with <see cref="LedgerReader.ReadEntries"/> and
/// comparing <see cref="LedgerSchema.Columns"/> — that exact comparison still decides whenever the
/// span check is not sure (a non-ASCII host or country, a mismatch), so a report names the same column.
/// </summary>
internal static class PartitionScan
{
    /// <summary>
    /// Reads every row with sequence ≥ <paramref name="fromSequence"/>, calling <paramref name="emit"/>
    /// with batches of up to <paramref name="batchSize"/> rows (the callee owns each batch and releases
    /// it; false from it stops the scan); stops at the first unreadable partition or changed column and
    /// returns that failure (null when everything was read). The rows before a changed column are
    /// emitted first, so the verifier sees every row before the one named.
    /// </summary>
    public static LedgerFailure? Read(string dataDirectory, ulong fromSequence, int batchSize, Func<ScanBatch, bool> emit)
    {
        ScanBatch? batch = new(batchSize);
        using var cursor = new PartitionCursor(dataDirectory);
        try
        {
            foreach (var day in LedgerFiles.ListPartitions(dataDirectory))
            {
                var failure = ReadChunk(cursor, new ScanChunk(day, ToKey(fromSequence), null), ref batch, emit, out var stopped);
                if (stopped)
                {
                    return null;
                }

                if (failure is not null)
                {
                    return Flush(ref batch, emit) ? failure : null;
                }
            }

            Flush(ref batch, emit);
            return null;
        }
        finally
        {
            batch?.Release();
        }
    }

    /// <summary>
    /// Splits the rows with sequence ≥ <paramref name="fromSequence"/> into chunks of about
    /// <paramref name="chunkRows"/> sequence numbers, partition by partition in order, so several
    /// readers can scan them at once and the rows still come out in the order <see cref="Read"/> gives:
    /// chunk by chunk, each in sequence order. A partition whose range cannot be read is one chunk
    /// (its reader reports why), and so is one whose sequence numbers span more rows than its file could
    /// hold (edited numbers); the last chunk of each partition is open-ended, so every row of the
    /// partition at or after the start falls in exactly one chunk, whatever its sequence number. A
    /// partition read with no row at or after the start (an older day) gets no chunk: nothing to scan.
    /// </summary>
    public static List<ScanChunk> Plan(string dataDirectory, ulong fromSequence, long chunkRows)
    {
        var chunks = new List<ScanChunk>();
        var from = ToKey(fromSequence);
        foreach (var day in LedgerFiles.ListPartitions(dataDirectory))
        {
            var path = LedgerFiles.PartitionPath(dataDirectory, day);
            var readable = TryReadRange(path, from, out var range);
            if (readable && range is null)
            {
                continue; // read, and nothing at or after the start (an older day): no chunk to open again
            }

            if (readable && range is var (min, max) && (max - min) / chunkRows <= MaxRows(path) / chunkRows)
            {
                var start = from;
                for (var bound = min + chunkRows; bound <= max && bound > min; bound += chunkRows)
                {
                    chunks.Add(new ScanChunk(day, start, bound));
                    start = bound;
                }

                chunks.Add(new ScanChunk(day, start, null));
            }
            else
            {
                chunks.Add(new ScanChunk(day, from, null));
            }
        }

        return chunks;
    }

    /// <summary>
    /// Reads the rows of one chunk into <paramref name="batch"/>, emitting each full batch (the callee
    /// owns it; a new one takes its place). Returns the failure that ends the scan, if any, with the
    /// rows before it still in <paramref name="batch"/>; <paramref name="stopped"/> is true when
    /// <paramref name="emit"/> said to stop.
    /// </summary>
    // The verify loops run once per process (`ledger verify`): fully optimised from the first call
    // rather than minutes of tier-0 / OSR code on the first million rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static LedgerFailure? ReadChunk(PartitionCursor cursor, in ScanChunk chunk, ref ScanBatch? batch, Func<ScanBatch, bool> emit, out bool stopped)
    {
        stopped = false;
        var day = chunk.Day;
        if (cursor.Start(chunk) is { } error)
        {
            return Unreadable(day, error);
        }

        var statement = cursor.Statement!;
        while (true)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            if (rc != raw.SQLITE_ROW)
            {
                return Unreadable(day, cursor.LastError());
            }

            var row = new SqliteRow(statement);
            var sequence = (ulong)row.Int64(0);
            var canonical = row.Type(10) == raw.SQLITE_BLOB ? row.Bytes(10) : default;
            MerkleHash? leaf = row.Type(11) == raw.SQLITE_BLOB && MerkleHash.TryRead(row.Bytes(11), out var h) ? h : null;
            if (!ColumnsMatchFast(row, canonical) && MismatchedColumn(row, canonical) is { } column)
            {
                return new LedgerFailure
                {
                    Kind = LedgerFailureKind.Modified,
                    Sequence = sequence,
                    Message = $"record {sequence} (partition {Day(day)}): column '{column}' was changed; it no longer matches the record's hashed bytes",
                };
            }

            if (batch!.IsFull || !batch.Fits(canonical.Length))
            {
                var full = batch;
                batch = new ScanBatch(full.Capacity);
                if (!emit(full))
                {
                    stopped = true;
                    return null;
                }
            }

            // Still valid: reading other columns does not move this one's bytes (only a type conversion of it would).
            batch.Add(sequence, canonical, leaf);
        }
    }

    // Hands on a non-empty batch; false when the callee said to stop.
    private static bool Flush(ref ScanBatch? batch, Func<ScanBatch, bool> emit)
    {
        if (batch is not { Count: > 0 } full)
        {
            return true;
        }

        batch = null;
        return emit(full);
    }

    // More rows than the files could hold (every row has at least its 32-byte leaf): the sequence numbers
    // were edited, so the partition stays one chunk rather than one per empty stretch of numbers.
    private static long MaxRows(string path)
    {
        var wal = new FileInfo(path + "-wal");
        return ((new FileInfo(path).Length + (wal.Exists ? wal.Length : 0)) / 32) + 1;
    }

    private static long ToKey(ulong sequence) => sequence > long.MaxValue ? long.MaxValue : (long)sequence;

    // MIN and MAX of seq at or after 'from' (two B-tree descents); false when the file cannot say.
    // False when the partition cannot be read; otherwise range is null when it holds no row at or after from.
    private static bool TryReadRange(string path, long from, out (long Min, long Max)? range)
    {
        range = null;
        sqlite3? db = null;
        sqlite3_stmt? statement = null;
        try
        {
            if (raw.sqlite3_open_v2(path, out db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null) != raw.SQLITE_OK
                || raw.sqlite3_prepare_v2(db, "SELECT MIN(seq), MAX(seq) FROM entries WHERE seq >= ?1", out statement) != raw.SQLITE_OK)
            {
                return false;
            }

            raw.sqlite3_busy_timeout(db, 10_000);
            raw.sqlite3_bind_int64(statement, 1, from);
            if (raw.sqlite3_step(statement) != raw.SQLITE_ROW)
            {
                return false;
            }

            var minType = raw.sqlite3_column_type(statement, 0);
            var maxType = raw.sqlite3_column_type(statement, 1);
            if (minType == raw.SQLITE_NULL && maxType == raw.SQLITE_NULL)
            {
                return true;
            }

            if (minType != raw.SQLITE_INTEGER || maxType != raw.SQLITE_INTEGER)
            {
                return false;
            }

            range = (raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_int64(statement, 1));
            return true;
        }
        finally
        {
            statement?.Dispose();
            db?.Dispose();
        }
    }

    // True only when every filter column certainly equals what the canonical bytes say (ASCII fast path).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ColumnsMatchFast(in SqliteRow s, ReadOnlySpan<byte> canonical)
    {
        if (CanonicalDecoder.TryReadHeader(canonical, out var header) != CanonicalDecodeError.None
            || s.Int64(1) != (long)header.Kind
            || s.Int64(2) != header.TimeMicroseconds
            || s.Type(1) != raw.SQLITE_INTEGER
            || s.Type(2) != raw.SQLITE_INTEGER)
        {
            return false;
        }

        if (header.Kind != LedgerEntryKind.Transfer)
        {
            for (var i = 3; i <= 9; i++)
            {
                if (s.Type(i) != raw.SQLITE_NULL)
                {
                    return false;
                }
            }

            return true;
        }

        var r = new CanonicalReader(canonical[CanonicalFormat.HeaderLength..]);
        if (!(r.TryReadGuid(out _) && r.TryReadByte(out _) && r.TrySkipString(out var client) && r.TrySkipString(out var host)
              && r.TrySkipNullableString(out _, out _) && r.TryReadInt32(out _) && r.TrySkipNullableString(out var hasCountry, out var country)
              && r.TryReadBoolean(out _) && r.TryReadByte(out _) && r.TryReadByte(out var decision) && r.TryReadByte(out var reason)
              && r.TrySkipNullableString(out var hasAssessment, out var assessment) && r.TrySkipNullableString(out _, out _) && r.TryReadInt32(out _)
              && r.TryReadInt64(out _) && r.TryReadInt64(out _) && r.TryReadInt64(out _) && r.TrySkipNullableString(out _, out _)
              && r.TryReadInt32(out var findings)))
        {
            return false;
        }

        if (!Text(s, 3, client) || !AsciiCase(s, 4, host, lower: true)
            || (hasCountry ? !AsciiCase(s, 5, country, lower: false) : s.Type(5) != raw.SQLITE_NULL)
            || !Int(s, 6, decision) || !Int(s, 7, reason)
            || (hasAssessment ? !Text(s, 8, assessment) : s.Type(8) != raw.SQLITE_NULL))
        {
            return false;
        }

        // pi: ",type1,type2," (null when there are no findings), compared piece by piece.
        if (findings == 0)
        {
            return s.Type(9) == raw.SQLITE_NULL;
        }

        if (findings < 0 || s.Type(9) != raw.SQLITE_TEXT)
        {
            return false;
        }

        var pi = s.Bytes(9);
        if (pi.IsEmpty || pi[0] != (byte)',')
        {
            return false;
        }

        pi = pi[1..];
        for (var i = 0; i < findings; i++)
        {
            if (!(r.TrySkipString(out var type) && r.TryReadInt32(out _) && r.TryReadBoolean(out _) && r.TrySkipString(out _))
                || pi.Length < type.Length + 1 || !pi[..type.Length].SequenceEqual(type) || pi[type.Length] != (byte)',')
            {
                return false;
            }

            pi = pi[(type.Length + 1)..];
        }

        return pi.IsEmpty;
    }

    private static bool Text(in SqliteRow s, int column, ReadOnlySpan<byte> expected) =>
        s.Type(column) == raw.SQLITE_TEXT && s.Bytes(column).SequenceEqual(expected);

    private static bool Int(in SqliteRow s, int column, byte expected) =>
        s.Type(column) == raw.SQLITE_INTEGER && s.Int64(column) == expected;

    // ToLowerInvariant / ToUpperInvariant of ASCII text is ASCII case mapping; anything else goes to the exact path.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AsciiCase(in SqliteRow s, int column, ReadOnlySpan<byte> original, bool lower)
    {
        if (s.Type(column) != raw.SQLITE_TEXT)
        {
            return false;
        }

        var stored = s.Bytes(column);
        if (stored.Length != original.Length)
        {
            return false;
        }

        for (var i = 0; i < original.Length; i++)
        {
            var b = original[i];
            if (b >= 0x80)
            {
                return false;
            }

            var mapped = lower ? (b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b) : (b is >= (byte)'a' and <= (byte)'z' ? (byte)(b & ~0x20) : b);
            if (stored[i] != mapped)
            {
                return false;
            }
        }

        return true;
    }

    // The exact comparison (as LedgerStoreVerifier always did): decode, derive the columns, compare strings.
    private static string? MismatchedColumn(in SqliteRow s, ReadOnlySpan<byte> canonical)
    {
        if (CanonicalDecoder.TryDecode(canonical, out var entry) != CanonicalDecodeError.None)
        {
            return null; // not canonical: the verifier reports MalformedRecord for it
        }

        var expected = LedgerSchema.Columns(entry!.Transfer);
        var time = LedgerFiles.ToMicros(entry.Transfer?.Time ?? entry.Event!.Time);
        return expected.Client != String(s, 3) ? "client"
            : expected.Host != String(s, 4) ? "host"
            : expected.Country != String(s, 5) ? "country"
            : expected.Decision != Int32(s, 6) ? "decision"
            : expected.Reason != Int32(s, 7) ? "reason"
            : expected.AssessmentId != String(s, 8) ? "assessment_id"
            : expected.Pi != String(s, 9) ? "pi"
            : (int)entry.Kind != (int)s.Int64(1) ? "kind"
            : time != s.Int64(2) ? "time_us"
            : null;
    }

    private static string? String(in SqliteRow s, int column) =>
        s.Type(column) == raw.SQLITE_NULL ? null : Encoding.UTF8.GetString(s.Bytes(column));

    private static int? Int32(in SqliteRow s, int column) =>
        s.Type(column) == raw.SQLITE_NULL ? null : (int)s.Int64(column);

    private static LedgerFailure Unreadable(DateOnly day, string error) => new()
    {
        Kind = LedgerFailureKind.MalformedRecord,
        Message = $"partition {Day(day)} cannot be read (truncated or corrupt file): {error}",
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
