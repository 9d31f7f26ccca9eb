using System.Globalization;
using System.Text;
using System.Text.Json;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Export;

/// <summary>
/// The export row shapes (CSV and JSON Lines) of any ledger entry, and their exact inverse: a row
/// read back re-encodes to the canonical bytes that were hashed. Field names are the
/// <c>ledger query</c> names plus <c>seq</c>, <c>entryKind</c>, <c>findingsDetail</c> (the findings
/// with their masked samples, as JSON), <c>subject</c> and <c>detail</c> (events).
/// CSV rules that keep it reversible: a null is an empty unquoted cell, an empty string is <c>""</c>;
/// a cell starting with <c>= + - @</c>, TAB, CR or <c>'</c> that is not a plain number is written
/// quoted with one <c>'</c> prepended (spreadsheet formula guard), and the reader removes one leading
/// <c>'</c> from every quoted cell that starts with one (which only the guard can produce).
/// </summary>
public static class ExportCodec
{
    /// <summary>Column names, in order.</summary>
    public static readonly string[] Fields =
    [
        "seq", "entryKind", "id", "time", "kind", "client", "host", "ip", "port", "country", "outbound", "mode", "decision", "reason",
        "assessmentId", "method", "status", "bytesUp", "bytesDown", "durationMs", "geoBuild", "inspection", "findings", "findingsDetail",
        "subject", "detail",
    ];

    /// <summary>The CSV header line (no line break).</summary>
    public static string CsvHeader => string.Join(',', Fields);

    /// <summary>One entry as an RFC 4180 CSV record (no line break).</summary>
    public static string ToCsv(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var values = Values(entry);
        var sb = new StringBuilder(320);
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            AppendCell(sb, values[i]);
        }

        return sb.ToString();
    }

    /// <summary>One entry as a JSON object (one line).</summary>
    public static void WriteJson(Utf8JsonWriter w, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(entry);
        w.WriteStartObject();
        w.WriteNumber("seq", entry.Sequence);
        w.WriteString("entryKind", entry.Kind.ToString());
        if (entry.Transfer is { } r)
        {
            w.WriteString("id", r.Id.ToString("D"));
            w.WriteString("time", Time(r.Time));
            w.WriteString("kind", r.Kind.ToString());
            w.WriteString("client", r.Client);
            w.WriteString("host", r.Host);
            TransferRecordFormat.WriteNullable(w, "ip", r.Ip);
            w.WriteNumber("port", r.Port);
            TransferRecordFormat.WriteNullable(w, "country", r.Country);
            w.WriteBoolean("outbound", r.Outbound);
            w.WriteString("mode", r.Mode.ToString());
            w.WriteString("decision", r.Decision.ToString());
            w.WriteString("reason", r.Reason.ToString());
            TransferRecordFormat.WriteNullable(w, "assessmentId", r.AssessmentId);
            TransferRecordFormat.WriteNullable(w, "method", r.Method);
            w.WriteNumber("status", r.Status);
            w.WriteNumber("bytesUp", r.BytesUp);
            w.WriteNumber("bytesDown", r.BytesDown);
            w.WriteNumber("durationMs", DurationMs(r.Duration));
            TransferRecordFormat.WriteNullable(w, "geoBuild", r.GeoDatabaseBuild);
            TransferRecordFormat.WriteNullable(w, "inspection", r.Inspection);
            w.WritePropertyName("findings");
            TransferRecordFormat.WriteFindings(w, r.Findings);
        }
        else
        {
            var e = entry.Event!;
            w.WriteString("id", e.Id.ToString("D"));
            w.WriteString("time", Time(e.Time));
            w.WriteString("subject", e.Subject);
            TransferRecordFormat.WriteNullable(w, "detail", e.Detail);
        }

        w.WriteEndObject();
    }

    /// <summary>Reads one JSON line back into an entry; null with an error when it is not one this codec wrote.</summary>
    public static LedgerEntry? ParseJson(ReadOnlySpan<byte> line, out string? error)
    {
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var o = doc.RootElement;
            var seq = o.GetProperty("seq"u8).GetUInt64();
            var kind = Enum.Parse<LedgerEntryKind>(o.GetProperty("entryKind"u8).GetString()!);
            error = null;
            if (kind == LedgerEntryKind.Transfer)
            {
                var findings = TransferRecordFormat.ReadFindings(o.GetProperty("findings"u8));

                return new LedgerEntry
                {
                    Sequence = seq,
                    Kind = kind,
                    Transfer = new TransferRecord
                    {
                        Id = Guid.Parse(o.GetProperty("id"u8).GetString()!),
                        Time = ParseTime(o.GetProperty("time"u8).GetString()!),
                        Kind = Enum.Parse<TransferKind>(o.GetProperty("kind"u8).GetString()!),
                        Client = o.GetProperty("client"u8).GetString()!,
                        Host = o.GetProperty("host"u8).GetString()!,
                        Ip = o.GetProperty("ip"u8).GetString(),
                        Port = o.GetProperty("port"u8).GetInt32(),
                        Country = o.GetProperty("country"u8).GetString(),
                        Outbound = o.GetProperty("outbound"u8).GetBoolean(),
                        Mode = Enum.Parse<EnforcementMode>(o.GetProperty("mode"u8).GetString()!),
                        Decision = Enum.Parse<TransferVerdict>(o.GetProperty("decision"u8).GetString()!),
                        Reason = Enum.Parse<ReasonCode>(o.GetProperty("reason"u8).GetString()!),
                        AssessmentId = o.GetProperty("assessmentId"u8).GetString(),
                        Method = o.GetProperty("method"u8).GetString(),
                        Status = o.GetProperty("status"u8).GetInt32(),
                        BytesUp = o.GetProperty("bytesUp"u8).GetInt64(),
                        BytesDown = o.GetProperty("bytesDown"u8).GetInt64(),
                        Duration = ParseDuration(o.GetProperty("durationMs"u8).GetDecimal()),
                        GeoDatabaseBuild = o.GetProperty("geoBuild"u8).GetString(),
                        Inspection = o.GetProperty("inspection"u8).GetString(),
                        Findings = findings,
                    },
                };
            }

            return new LedgerEntry
            {
                Sequence = seq,
                Kind = kind,
                Event = new LedgerEvent
                {
                    Id = Guid.Parse(o.GetProperty("id"u8).GetString()!),
                    Time = ParseTime(o.GetProperty("time"u8).GetString()!),
                    Kind = kind,
                    Subject = o.GetProperty("subject"u8).GetString()!,
                    Detail = o.GetProperty("detail"u8).GetString(),
                },
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Reads one CSV record (cells with whether each was quoted) back into an entry; null with an error when malformed.</summary>
    public static LedgerEntry? ParseCsv(IReadOnlyList<(string Value, bool Quoted)> cells, out string? error)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count != Fields.Length)
        {
            error = $"{cells.Count} cells, expected {Fields.Length}";
            return null;
        }

        var values = new string?[Fields.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var (value, quoted) = cells[i];
            values[i] = !quoted ? (value.Length == 0 ? null : value) : value.StartsWith('\'') ? value[1..] : value;
        }

        return ParseValues(values, out error);
    }

    /// <summary>
    /// Reads one row of field values (in <see cref="Fields"/> order, null = absent) back into an
    /// entry; null with an error when it is not a row this codec wrote. The inverse shared by the CSV
    /// and Parquet readers.
    /// </summary>
    public static LedgerEntry? ParseValues(IReadOnlyList<string?> values, out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != Fields.Length)
        {
            error = $"{values.Count} fields, expected {Fields.Length}";
            return null;
        }

        string? Cell(int i) => values[i];
        string Required(int i) => Cell(i) ?? throw new FormatException($"{Fields[i]} is empty");

        try
        {
            var seq = ulong.Parse(Required(0), NumberStyles.None, CultureInfo.InvariantCulture);
            var kind = Enum.Parse<LedgerEntryKind>(Required(1));
            error = null;
            if (kind == LedgerEntryKind.Transfer)
            {
                var detail = Required(23);
                List<FindingSummary> findings;
                using (var doc = JsonDocument.Parse(detail))
                {
                    findings = TransferRecordFormat.ReadFindings(doc.RootElement);
                }

                return new LedgerEntry
                {
                    Sequence = seq,
                    Kind = kind,
                    Transfer = new TransferRecord
                    {
                        Id = Guid.Parse(Required(2)),
                        Time = ParseTime(Required(3)),
                        Kind = Enum.Parse<TransferKind>(Required(4)),
                        Client = Required(5),
                        Host = Required(6),
                        Ip = Cell(7),
                        Port = int.Parse(Required(8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                        Country = Cell(9),
                        Outbound = bool.Parse(Required(10)),
                        Mode = Enum.Parse<EnforcementMode>(Required(11)),
                        Decision = Enum.Parse<TransferVerdict>(Required(12)),
                        Reason = Enum.Parse<ReasonCode>(Required(13)),
                        AssessmentId = Cell(14),
                        Method = Cell(15),
                        Status = int.Parse(Required(16), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                        BytesUp = long.Parse(Required(17), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                        BytesDown = long.Parse(Required(18), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                        Duration = ParseDuration(decimal.Parse(Required(19), NumberStyles.Number, CultureInfo.InvariantCulture)),
                        GeoDatabaseBuild = Cell(20),
                        Inspection = Cell(21),
                        Findings = findings,
                    },
                };
            }

            return new LedgerEntry
            {
                Sequence = seq,
                Kind = kind,
                Event = new LedgerEvent
                {
                    Id = Guid.Parse(Required(2)),
                    Time = ParseTime(Required(3)),
                    Kind = kind,
                    Subject = Required(24),
                    Detail = Cell(25),
                },
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Reads the next RFC 4180 record from <paramref name="reader"/> (a quoted cell may span lines);
    /// null at the end of input. Each cell comes with whether it was quoted.
    /// </summary>
    public static List<(string Value, bool Quoted)>? ReadCsvRecord(TextReader reader, out string? error)
    {
        ArgumentNullException.ThrowIfNull(reader);
        error = null;
        if (reader.Peek() < 0)
        {
            return null;
        }

        var cells = new List<(string, bool)>();
        var sb = new StringBuilder();
        var quoted = false;
        var inQuotes = false;
        while (true)
        {
            var c = reader.Read();
            if (inQuotes)
            {
                if (c < 0)
                {
                    error = "unterminated quoted cell";
                    return cells;
                }

                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        sb.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    sb.Append((char)c);
                }

                continue;
            }

            if (c == '"' && sb.Length == 0 && !quoted)
            {
                quoted = true;
                inQuotes = true;
                continue;
            }

            if (c is ',' or '\n' or -1 || (c == '\r' && reader.Peek() == '\n'))
            {
                cells.Add((sb.ToString(), quoted));
                sb.Clear();
                quoted = false;
                if (c == '\r')
                {
                    reader.Read();
                }

                if (c != ',')
                {
                    return cells;
                }

                continue;
            }

            sb.Append((char)c);
        }
    }

    /// <summary>One entry's field values in <see cref="Fields"/> order (null = absent), as text.</summary>
    public static string?[] Values(LedgerEntry entry)
    {
        var values = new string?[Fields.Length];
        values[0] = entry.Sequence.ToString(CultureInfo.InvariantCulture);
        values[1] = entry.Kind.ToString();
        if (entry.Transfer is { } r)
        {
            values[2] = r.Id.ToString("D");
            values[3] = Time(r.Time);
            values[4] = r.Kind.ToString();
            values[5] = r.Client;
            values[6] = r.Host;
            values[7] = r.Ip;
            values[8] = r.Port.ToString(CultureInfo.InvariantCulture);
            values[9] = r.Country;
            values[10] = r.Outbound ? "true" : "false";
            values[11] = r.Mode.ToString();
            values[12] = r.Decision.ToString();
            values[13] = r.Reason.ToString();
            values[14] = r.AssessmentId;
            values[15] = r.Method;
            values[16] = r.Status.ToString(CultureInfo.InvariantCulture);
            values[17] = r.BytesUp.ToString(CultureInfo.InvariantCulture);
            values[18] = r.BytesDown.ToString(CultureInfo.InvariantCulture);
            values[19] = DurationMs(r.Duration).ToString(CultureInfo.InvariantCulture);
            values[20] = r.GeoDatabaseBuild;
            values[21] = r.Inspection;
            values[22] = TransferRecordFormat.FindingsText(r.Findings);
            values[23] = FindingsJson(r.Findings);
        }
        else
        {
            var e = entry.Event!;
            values[2] = e.Id.ToString("D");
            values[3] = Time(e.Time);
            values[24] = e.Subject;
            values[25] = e.Detail;
        }

        return values;
    }

    private static string FindingsJson(IReadOnlyList<FindingSummary> findings)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            TransferRecordFormat.WriteFindings(w, findings);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void AppendCell(StringBuilder sb, string? value)
    {
        if (value is null)
        {
            return;
        }

        var guard = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\''
            && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _);
        if (guard || value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            sb.Append('"');
            if (guard)
            {
                sb.Append('\'');
            }

            sb.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            sb.Append(value);
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static decimal DurationMs(TimeSpan duration) => CanonicalTime.ToMicroseconds(duration) / 1000m;

    private static TimeSpan ParseDuration(decimal ms)
    {
        var micros = ms * 1000m;
        if (micros != decimal.Truncate(micros))
        {
            throw new FormatException("durationMs has more than 3 decimals");
        }

        return TimeSpan.FromTicks((long)micros * 10);
    }
}
