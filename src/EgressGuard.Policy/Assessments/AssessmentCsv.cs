using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EgressGuard.Policy.Assessments;

/// <summary>
/// Records as CSV (RFC 4180, UTF-8, header row of field names as in the JSON form; list fields —
/// Destinations, SourceGroups, Categories — joined with <c>;</c>; empty cell = absent). Each row is
/// turned into a JSON object and validated by <see cref="AssessmentFileReader.ReadRecord(ReadOnlySpan{byte})"/>,
/// so CSV and JSON obey exactly the same rules.
/// </summary>
public static class AssessmentCsv
{
    private static readonly string[] Columns =
    [
        "Id", "Version", "Recipient", "RecipientCountry", "RecipientContact", "Mechanism", "ExemptBasis", "Destinations",
        "SourceGroups", "Categories", "SensitiveIncluded", "Purpose", "ValidFrom", "ValidTo", "Reference", "Status",
        "ApprovedBy", "ApprovedAt", "Notes",
    ];

    private static readonly HashSet<string> Lists = ["Destinations", "SourceGroups", "Categories"];

    /// <summary>The records as CSV bytes.</summary>
    public static byte[] Write(IReadOnlyList<AssessmentRecord> records)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Columns).Append("\r\n");
        foreach (var record in records)
        {
            using var document = JsonDocument.Parse(AssessmentFileWriter.WriteRecord(record));
            for (var c = 0; c < Columns.Length; c++)
            {
                if (c > 0)
                {
                    text.Append(',');
                }

                if (!document.RootElement.TryGetProperty(Columns[c], out var value))
                {
                    continue;
                }

                var cell = value.ValueKind switch
                {
                    JsonValueKind.Array => string.Join(';', value.EnumerateArray().Select(v => v.GetString())),
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => value.GetRawText(),
                };
                text.Append(Quote(cell));
            }

            text.Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reads and validates CSV; every error is listed with its line number, and any error yields no records.</summary>
    public static AssessmentLoadResult Read(string text)
    {
        var rows = Parse(text, out var parseError);
        if (parseError is not null)
        {
            return AssessmentLoadResult.Failed(parseError);
        }

        if (rows.Count == 0)
        {
            return AssessmentLoadResult.Failed("empty CSV: a header row of field names is required");
        }

        var header = rows[0].Cells;
        var errors = new List<string>();
        foreach (var name in header)
        {
            if (Array.FindIndex(Columns, c => string.Equals(c, name.Trim(), StringComparison.OrdinalIgnoreCase)) < 0)
            {
                errors.Add($"line 1: unknown column '{name}' (known: {string.Join(", ", Columns)})");
            }
        }

        var records = new List<AssessmentRecord>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 1; r < rows.Count; r++)
        {
            var (line, cells) = rows[r];
            if (cells.Count == 1 && cells[0].Length == 0)
            {
                continue; // blank line
            }

            if (cells.Count != header.Count)
            {
                errors.Add($"line {line}: {cells.Count} cells, the header has {header.Count}");
                continue;
            }

            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                for (var c = 0; c < header.Count; c++)
                {
                    var name = header[c].Trim();
                    var cell = cells[c];
                    if (cell.Length == 0)
                    {
                        continue;
                    }

                    if (Lists.Contains(name))
                    {
                        w.WriteStartArray(name);
                        foreach (var item in cell.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                        {
                            w.WriteStringValue(item);
                        }

                        w.WriteEndArray();
                    }
                    else if (name.Equals("SensitiveIncluded", StringComparison.OrdinalIgnoreCase) && bool.TryParse(cell, out var flag))
                    {
                        w.WriteBoolean(name, flag);
                    }
                    else if (name.Equals("Version", StringComparison.OrdinalIgnoreCase) && int.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                    {
                        w.WriteNumber(name, version);
                    }
                    else
                    {
                        w.WriteString(name, cell);
                    }
                }

                w.WriteEndObject();
            }

            var result = AssessmentFileReader.ReadRecord(buffer.ToArray());
            foreach (var error in result.Errors)
            {
                errors.Add($"line {line}: {error}");
            }

            if (result.Record is { } record)
            {
                if (!ids.Add(record.Id))
                {
                    errors.Add($"line {line}: Id '{record.Id}': duplicate id");
                }
                else
                {
                    records.Add(record);
                }
            }
        }

        return errors.Count > 0 ? AssessmentLoadResult.Failed([.. errors]) : AssessmentLoadResult.Loaded(records);
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static List<(int Line, List<string> Cells)> Parse(string text, out string? error)
    {
        error = null;
        var rows = new List<(int, List<string>)>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var quoted = false;
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }

        for (; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    cell.Append(ch);
                }
            }
            else if (ch == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (ch is '\r' or '\n')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                cells.Add(cell.ToString());
                cell.Clear();
                rows.Add((rowLine, cells));
                cells = [];
                line++;
                rowLine = line;
            }
            else
            {
                cell.Append(ch);
            }
        }

        if (quoted)
        {
            error = $"line {rowLine}: unterminated quoted cell";
            return rows;
        }

        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            rows.Add((rowLine, cells));
        }

        return rows;
    }
}
