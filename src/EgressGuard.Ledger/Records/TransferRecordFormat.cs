using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EgressGuard.Ledger.Records;

/// <summary>
/// The external shapes of a record for <c>ledger query</c>: JSON Lines and CSV, with the
/// documented camelCase field names. Both writers emit the same fields in the same order.
/// </summary>
public static class TransferRecordFormat
{
    /// <summary>Field names, in output order.</summary>
    public static readonly string[] Fields =
    [
        "id", "time", "kind", "client", "host", "ip", "port", "country", "outbound", "mode", "decision", "reason",
        "assessmentId", "method", "status", "bytesUp", "bytesDown", "durationMs", "geoBuild", "inspection", "findings",
    ];

    /// <summary>Writes one record as a single JSON line (no trailing newline).</summary>
    public static void WriteJson(Utf8JsonWriter w, TransferRecord r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id.ToString("D"));
        w.WriteString("time", r.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("kind", r.Kind.ToString());
        w.WriteString("client", r.Client);
        w.WriteString("host", r.Host);
        WriteNullable(w, "ip", r.Ip);
        w.WriteNumber("port", r.Port);
        WriteNullable(w, "country", r.Country);
        w.WriteBoolean("outbound", r.Outbound);
        w.WriteString("mode", r.Mode.ToString());
        w.WriteString("decision", r.Decision.ToString());
        w.WriteString("reason", r.Reason.ToString());
        WriteNullable(w, "assessmentId", r.AssessmentId);
        WriteNullable(w, "method", r.Method);
        w.WriteNumber("status", r.Status);
        w.WriteNumber("bytesUp", r.BytesUp);
        w.WriteNumber("bytesDown", r.BytesDown);
        w.WriteNumber("durationMs", Math.Round(r.Duration.TotalMilliseconds, 3));
        WriteNullable(w, "geoBuild", r.GeoDatabaseBuild);
        WriteNullable(w, "inspection", r.Inspection);
        w.WritePropertyName("findings");
        WriteFindings(w, r.Findings);
        w.WriteEndObject();
    }

    /// <summary>The CSV header line.</summary>
    public static string CsvHeader => string.Join(',', Fields);

    /// <summary>One record as an RFC 4180 CSV line (no trailing newline).</summary>
    public static string ToCsv(TransferRecord r)
    {
        var sb = new StringBuilder(256);
        string?[] values =
        [
            r.Id.ToString("D"),
            r.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            r.Kind.ToString(), r.Client, r.Host, r.Ip, r.Port.ToString(CultureInfo.InvariantCulture), r.Country,
            r.Outbound ? "true" : "false", r.Mode.ToString(), r.Decision.ToString(), r.Reason.ToString(), r.AssessmentId,
            r.Method, r.Status.ToString(CultureInfo.InvariantCulture), r.BytesUp.ToString(CultureInfo.InvariantCulture),
            r.BytesDown.ToString(CultureInfo.InvariantCulture),
            Math.Round(r.Duration.TotalMilliseconds, 3).ToString(CultureInfo.InvariantCulture), r.GeoDatabaseBuild,
            r.Inspection, FindingsText(r.Findings),
        ];
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            AppendCsv(sb, values[i]);
        }

        return sb.ToString();
    }

    /// <summary>Findings in one CSV cell: <c>type:count[:sensitive]</c> joined by <c>;</c> (masked samples are in JSONL only).</summary>
    public static string? FindingsText(IReadOnlyList<FindingSummary> findings)
    {
        if (findings.Count == 0)
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var f in findings)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(f.Type).Append(':').Append(f.Count.ToString(CultureInfo.InvariantCulture));
            if (f.Sensitive)
            {
                sb.Append(":sensitive");
            }
        }

        return sb.ToString();
    }

    private static void AppendCsv(StringBuilder sb, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        // Quote anything with a separator, quote or line break; neutralise spreadsheet formulas
        // (a host or client text starting with = + - @ would run in Excel: CSV injection). Only a
        // plain number such as -1 is left alone: "=1+2" or "-1+cmd|..." is still a formula.
        var formula = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (formula || value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            sb.Append('"');
            if (formula)
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

    /// <summary>Writes the findings as a JSON array of <c>{type, count, sensitive, masked}</c> objects (the value at the writer's position).</summary>
    internal static void WriteFindings(Utf8JsonWriter w, IReadOnlyList<FindingSummary> findings)
    {
        w.WriteStartArray();
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("type", f.Type);
            w.WriteNumber("count", f.Count);
            w.WriteBoolean("sensitive", f.Sensitive);
            w.WriteString("masked", f.Masked);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Reads an array written by <see cref="WriteFindings"/> back (throws on a malformed element, as <see cref="JsonElement"/> does).</summary>
    internal static List<FindingSummary> ReadFindings(JsonElement array)
    {
        var findings = new List<FindingSummary>();
        foreach (var f in array.EnumerateArray())
        {
            findings.Add(new FindingSummary(f.GetProperty("type"u8).GetString()!, f.GetProperty("count"u8).GetInt32(), f.GetProperty("sensitive"u8).GetBoolean(), f.GetProperty("masked"u8).GetString()!));
        }

        return findings;
    }

    /// <summary>Writes <paramref name="value"/> as a string, or JSON null.</summary>
    internal static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
