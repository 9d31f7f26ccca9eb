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
    private const string Select = "SELECT " + LedgerSchema.EntryColumns + " FROM entries WHERE seq >= ?1 ORDER BY seq";

    /// <summary>
    /// Reads every row with sequence ≥ <paramref name="fromSequence"/>, calling <paramref name="emit"/>
    /// with batches of up to <paramref name="batchSize"/> rows (the callee owns each batch and releases
    /// it; false from it stops the scan); stops at the first unreadable partition or changed column and
    /// returns that failure (null when everything was read).
    /// </summary>
    public static LedgerFailure? Read(string dataDirectory, ulong fromSequence, int batchSize, Func<ScanBatch, bool> emit)
    {
        ScanBatch? batch = new(batchSize);
        try
        {
            foreach (var day in LedgerFiles.ListPartitions(dataDirectory))
            {
                var failure = ReadPartition(dataDirectory, day, fromSequence, ref batch, emit, out var stopped);
                if (failure is not null || stopped)
                {
                    if (failure is null && batch!.Count > 0)
                    {
                        emit(batch);
                        batch = null;
                    }

                    return failure;
                }
            }

            if (batch!.Count > 0)
            {
                emit(batch);
                batch = null;
            }

            return null;
        }
        finally
        {
            batch?.Release();
        }
    }

    private static LedgerFailure? ReadPartition(
        string dataDirectory, DateOnly day, ulong fromSequence, ref ScanBatch? batch, Func<ScanBatch, bool> emit, out bool stopped)
    {
        stopped = false;
        sqlite3? db = null;
        sqlite3_stmt? statement = null;
        try
        {
            // Read-only, and NOMUTEX: this connection lives on one thread, so SQLite's per-call mutex is waste.
            var rc = raw.sqlite3_open_v2(LedgerFiles.PartitionPath(dataDirectory, day), out db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
            if (rc != raw.SQLITE_OK)
            {
                return Unreadable(day, raw.sqlite3_errstr(rc).utf8_to_string());
            }

            raw.sqlite3_busy_timeout(db, 10_000);

            // Pages read through a memory map, not one read() system call each (the kernel's share of a verify).
            raw.sqlite3_exec(db, "PRAGMA mmap_size=4294967296");
            rc = raw.sqlite3_prepare_v2(db, Select, out statement);
            if (rc != raw.SQLITE_OK)
            {
                return Unreadable(day, raw.sqlite3_errmsg(db).utf8_to_string());
            }

            raw.sqlite3_bind_int64(statement, 1, fromSequence > long.MaxValue ? long.MaxValue : (long)fromSequence);
            while (true)
            {
                rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE)
                {
                    return null;
                }

                if (rc != raw.SQLITE_ROW)
                {
                    return Unreadable(day, raw.sqlite3_errmsg(db).utf8_to_string());
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
                    var go = emit(batch);
                    batch = new ScanBatch(batch.Capacity);
                    if (!go)
                    {
                        stopped = true;
                        return null;
                    }
                }

                // Still valid: reading other columns does not move this one's bytes (only a type conversion of it would).
                batch.Add(sequence, canonical, leaf);
            }
        }
        finally
        {
            statement?.Dispose();
            db?.Dispose();
        }
    }

    // True only when every filter column certainly equals what the canonical bytes say (ASCII fast path).
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
