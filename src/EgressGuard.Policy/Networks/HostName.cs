namespace EgressGuard.Policy.Networks;

/// <summary>Host name normalisation and syntax checks shared by patterns and the proxy.</summary>
public static class HostName
{
    /// <summary>Lower-cases ASCII and drops one trailing dot (<c>Example.COM.</c> → <c>example.com</c>).</summary>
    public static string Normalize(string host)
    {
        if (host.EndsWith('.'))
        {
            host = host[..^1];
        }

        foreach (var c in host)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return host.ToLowerInvariant();
            }
        }

        return host;
    }

    /// <summary>
    /// Whether <paramref name="host"/> is a syntactically valid DNS name (RFC 1123 labels of letters,
    /// digits, hyphens and — as seen in the wild — underscores; 1–63 characters each, 253 in all).
    /// IDNs must arrive in their ASCII (punycode) form.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253)
        {
            return false;
        }

        var labelLength = 0;
        for (var i = 0; i < host.Length; i++)
        {
            var c = host[i];
            if (c == '.')
            {
                if (labelLength == 0 || host[i - 1] == '-')
                {
                    return false;
                }

                labelLength = 0;
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }

            if (labelLength == 0 && c == '-')
            {
                return false;
            }

            if (++labelLength > 63)
            {
                return false;
            }
        }

        return labelLength > 0 && host[^1] != '-';
    }
}
