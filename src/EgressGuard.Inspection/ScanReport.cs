using System.Text.Encodings.Web;
using System.Text.Json;

namespace EgressGuard.Inspection;

/// <summary>Writes findings as JSON Lines (one object per finding, camelCase, never the raw value) for <c>egressguard scan</c>.</summary>
public static class ScanReport
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>
    /// Writes one line per finding: <c>source, type, start, length, personal, sensitive, validated, confidence,
    /// masked, fingerprint, location</c>.
    /// </summary>
    public static void WriteJsonLines(Stream output, string source, IEnumerable<PiiFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var f in findings)
        {
            using (var writer = new Utf8JsonWriter(output, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("source", source);
                writer.WriteString("type", f.Type);
                writer.WriteNumber("start", f.Start);
                writer.WriteNumber("length", f.Length);
                writer.WriteBoolean("personal", f.Personal);
                writer.WriteBoolean("sensitive", f.Sensitive);
                writer.WriteBoolean("validated", f.Validated);
                writer.WriteNumber("confidence", Math.Round(f.Confidence, 2));
                writer.WriteString("masked", f.Masked);
                writer.WriteString("fingerprint", f.Fingerprint);
                writer.WriteString("location", f.Location);
                writer.WriteEndObject();
            }

            output.WriteByte((byte)'\n');
        }
    }

    /// <summary>Writes the findings of a result; see <see cref="WriteJsonLines(Stream, string, IEnumerable{PiiFinding})"/>.</summary>
    public static void WriteJsonLines(Stream output, string source, ScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        WriteJsonLines(output, source, result.Findings);
    }
}
