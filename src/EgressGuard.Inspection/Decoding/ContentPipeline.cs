using System.Collections.Frozen;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>Builds the decode pipeline for a payload from its Content-Encoding and Content-Type.</summary>
internal static class ContentPipeline
{
    private static readonly FrozenDictionary<string, int> CodePages = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["gbk"] = 936, ["gb2312"] = 936, ["cp936"] = 936, ["x-gbk"] = 936, ["windows-936"] = 936,
        ["gb18030"] = 54936, ["big5"] = 950, ["big5-hkscs"] = 950, ["cp950"] = 950,
        ["shift_jis"] = 932, ["euc-kr"] = 51949, ["iso-8859-1"] = 28591, ["latin1"] = 28591, ["windows-1252"] = 1252,
        ["utf-16"] = 1200, ["utf-16le"] = 1200, ["utf-16be"] = 1201,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static ByteSink Build(in ContentDescriptor content, TextScanner scanner, ScanContext context)
    {
        var state = context.State;
        var location = content.Location ?? "body";
        var format = CreateFormatSink(scanner, context, 0, location, content.ContentType, null, default, allowMultipart: true);
        if (format is null)
        {
            state.Fail(DecodeStatus.NotScanned, stop: true);
            return new NullSink();
        }

        ByteSink sink = new MeteringSink(format, state);
        if (string.IsNullOrWhiteSpace(content.ContentEncoding))
        {
            return sink;
        }

        foreach (var raw in content.ContentEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            DecompressingSink.Coding coding;
            if (raw.Equals("gzip", StringComparison.OrdinalIgnoreCase) || raw.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                coding = DecompressingSink.Coding.Gzip;
            }
            else if (raw.Equals("deflate", StringComparison.OrdinalIgnoreCase))
            {
                coding = DecompressingSink.Coding.Deflate;
            }
            else if (raw.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                coding = DecompressingSink.Coding.Brotli;
            }
            else if (raw.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            else
            {
                sink.Dispose();
                state.Fail(DecodeStatus.UnsupportedEncoding, stop: true);
                return new NullSink();
            }

            // Codings are listed in the order applied, so the last one listed is undone first (outermost).
            sink = new DecompressingSink(sink, state, coding);
        }

        return sink;
    }

    /// <summary>The sink for one body or part, or null when the media type carries no text.</summary>
    public static ByteSink? CreateFormatSink(TextScanner scanner, ScanContext context, long baseOffset, string location, string? contentType,
        string? fileName, ReadOnlyMemory<byte> fieldName, bool allowMultipart)
    {
        var essence = MediaType.Essence(contentType);
        if (essence.StartsWith("image/", StringComparison.Ordinal) || essence.StartsWith("audio/", StringComparison.Ordinal)
            || essence.StartsWith("video/", StringComparison.Ordinal) || essence.StartsWith("font/", StringComparison.Ordinal))
        {
            return null;
        }

        var charset = Charset(MediaType.Parameter(contentType, "charset"));
        var extension = fileName is null ? string.Empty : Path.GetExtension(fileName).ToLowerInvariant();

        if (essence == "application/x-www-form-urlencoded")
        {
            return new FormSink(scanner, baseOffset, location + "/form", charset);
        }

        if (essence.StartsWith("multipart/", StringComparison.Ordinal))
        {
            var boundary = MediaType.Parameter(contentType, "boundary");
            if (allowMultipart && boundary is { Length: > 0 and <= 70 })
            {
                return new MultipartSink(scanner, context, location, boundary);
            }
        }

        ByteSink format;
        if (essence is "application/json" or "text/json" or "application/x-ndjson" || essence.EndsWith("+json", StringComparison.Ordinal) || extension is ".json")
        {
            format = new JsonSink(scanner, baseOffset, location, context.MaxJsonDepth);
        }
        else if (essence is "text/csv" or "text/tab-separated-values" || extension is ".csv" or ".tsv")
        {
            format = new CsvSink(scanner, baseOffset, location);
        }
        else if (fieldName.IsEmpty && !essence.StartsWith("text/", StringComparison.Ordinal))
        {
            // No or a generic media type: JSON if it looks like JSON, else text.
            format = new SniffingSink(scanner, baseOffset, location, context.MaxJsonDepth);
        }
        else
        {
            format = new PlainTextSink(scanner, baseOffset, location, fieldName);
        }

        return charset is null ? format : new CharsetSink(format, charset);
    }

    /// <summary>The declared charset when it is not UTF-8 (unknown names are read as UTF-8).</summary>
    public static Encoding? Charset(string? name) =>
        name is not null && CodePages.TryGetValue(name.Trim(), out var codePage) ? Encoding.GetEncoding(codePage) : null;
}
