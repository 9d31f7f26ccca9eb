namespace EgressGuard.Inspection.Decoding;

/// <summary>Just enough Content-Type / Content-Disposition parsing: the media type and named parameters.</summary>
internal static class MediaType
{
    /// <summary>The lower-case type/subtype before any ';'.</summary>
    public static string Essence(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return string.Empty;
        }

        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semi < 0 ? contentType : contentType[..semi]).Trim().ToLowerInvariant();
    }

    /// <summary>A parameter value (quotes removed), or null.</summary>
    public static string? Parameter(string? header, string name)
    {
        if (header is null)
        {
            return null;
        }

        foreach (var part in header.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !part.AsSpan(0, eq).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = part[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            return value;
        }

        return null;
    }
}
