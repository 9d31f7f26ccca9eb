using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EgressGuard.Policy.Assessments;

/// <summary>Writes records in the same JSON form <see cref="AssessmentFileReader"/> reads.</summary>
public static class AssessmentFileWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The records as an indented UTF-8 JSON array.</summary>
    public static byte[] Write(IReadOnlyList<AssessmentRecord> records)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            w.WriteStartArray();
            foreach (var r in records)
            {
                WriteRecord(w, r);
            }

            w.WriteEndArray();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>One record as compact UTF-8 JSON (the form the registry stores and the API returns).</summary>
    public static byte[] WriteRecord(AssessmentRecord record)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            WriteRecord(w, record);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes one record object to <paramref name="w"/>.</summary>
    public static void WriteRecord(Utf8JsonWriter w, AssessmentRecord r)
    {
        w.WriteStartObject();
        w.WriteString("Id", r.Id);
        if (r.Version > 0)
        {
            w.WriteNumber("Version", r.Version);
        }

        w.WriteString("Recipient", r.Recipient);
        WriteOptional(w, "RecipientCountry", r.RecipientCountry);
        WriteOptional(w, "RecipientContact", r.RecipientContact);
        w.WriteString("Mechanism", r.Mechanism.ToString());
        if (r.ExemptBasis is { } basis)
        {
            w.WriteString("ExemptBasis", basis.ToString());
        }

        w.WriteStartArray("Destinations");
        foreach (var d in r.Destinations)
        {
            w.WriteStringValue(d.ToString());
        }

        w.WriteEndArray();
        w.WriteStartArray("SourceGroups");
        foreach (var g in r.SourceGroups)
        {
            w.WriteStringValue(g);
        }

        w.WriteEndArray();
        w.WriteStartArray("Categories");
        foreach (var c in r.Categories)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteBoolean("SensitiveIncluded", r.SensitiveIncluded);
        WriteOptional(w, "Purpose", r.Purpose);
        w.WriteString("ValidFrom", r.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("ValidTo", r.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        WriteOptional(w, "Reference", r.Reference);
        w.WriteString("Status", r.Status.ToString());
        WriteOptional(w, "ApprovedBy", r.ApprovedBy);
        if (r.ApprovedAt is { } at)
        {
            w.WriteString("ApprovedAt", at.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));
        }

        WriteOptional(w, "Notes", r.Notes);
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
