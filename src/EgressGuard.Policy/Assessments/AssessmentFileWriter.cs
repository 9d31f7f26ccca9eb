using System.Text.Json;

namespace EgressGuard.Policy.Assessments;

/// <summary>Writes records in the same JSON form <see cref="AssessmentFileReader"/> reads.</summary>
public static class AssessmentFileWriter
{
    /// <summary>The records as an indented UTF-8 JSON array.</summary>
    public static byte[] Write(IReadOnlyList<AssessmentRecord> records)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteString("Id", r.Id);
                w.WriteString("Recipient", r.Recipient);
                w.WriteString("Mechanism", r.Mechanism.ToString());
                w.WriteStartArray("Destinations");
                foreach (var d in r.Destinations)
                {
                    w.WriteStringValue(d.ToString());
                }

                w.WriteEndArray();
                w.WriteStartArray("Categories");
                foreach (var c in r.Categories)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteString("ValidFrom", r.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("ValidTo", r.ValidTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                if (r.Reference is not null)
                {
                    w.WriteString("Reference", r.Reference);
                }

                if (r.Notes is not null)
                {
                    w.WriteString("Notes", r.Notes);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
