namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// The allocation-light fast path of absolute-form target parsing: <c>http://</c>, a lower-case DNS
/// name or a canonical dotted-quad IPv4 address, an optional canonical port, then <c>/</c> or the
/// end. That is what browsers, curl and HTTP libraries send; for it the result is exactly what
/// <see cref="Uri"/> gives (host, port, authority), without building a <see cref="Uri"/>. Anything
/// else — upper case, IDN and punycode, IPv6, user-info, a trailing dot, leading zeros, hex or short
/// IPv4 forms, <c>?</c>/<c>#</c> right after the authority — is declined and left to <see cref="Uri"/>.
/// </summary>
internal static class AbsoluteTarget
{
    private const string Prefix = "http://";

    /// <summary>Parses the common shape; false means "not taken here" (not "invalid").</summary>
    public static bool TryParseSimple(string target, out string host, out int port, out string authority)
    {
        host = authority = string.Empty;
        port = 0;
        if (!target.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = target.AsSpan(Prefix.Length);
        var end = rest.IndexOf('/');
        var authoritySpan = end < 0 ? rest : rest[..end];
        var colon = authoritySpan.IndexOf(':');
        var hostSpan = colon < 0 ? authoritySpan : authoritySpan[..colon];
        if (!IsSimpleHost(hostSpan))
        {
            return false;
        }

        port = 80;
        if (colon >= 0 && !TryParseCanonicalPort(authoritySpan[(colon + 1)..], out port))
        {
            port = 0;
            return false;
        }

        host = target.Substring(Prefix.Length, hostSpan.Length);
        // Uri.Authority leaves out the scheme's default port.
        authority = port == 80 ? host : target.Substring(Prefix.Length, authoritySpan.Length);
        return true;
    }

    /// <summary>
    /// A lower-case ASCII DNS name whose last label starts with a letter (so <see cref="Uri"/> cannot
    /// read it as an IPv4 number in any of its forms), or a dotted quad that is already canonical.
    /// </summary>
    private static bool IsSimpleHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253 || host[0] == '.' || host[^1] == '.' || host.Contains("..", StringComparison.Ordinal)
            || host.Contains("xn--", StringComparison.Ordinal))
        {
            return false;
        }

        var allDigitsAndDots = true;
        foreach (var c in host)
        {
            if (char.IsAsciiLetterLower(c) || c == '-')
            {
                allDigitsAndDots = false;
            }
            else if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        if (allDigitsAndDots)
        {
            return IsCanonicalDottedQuad(host);
        }

        var lastLabel = host[(host.LastIndexOf('.') + 1)..];
        return char.IsAsciiLetterLower(lastLabel[0]);
    }

    private static bool IsCanonicalDottedQuad(ReadOnlySpan<char> host)
    {
        var parts = 0;
        while (true)
        {
            var dot = host.IndexOf('.');
            var part = dot < 0 ? host : host[..dot];
            if (part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var c in part)
            {
                value = (value * 10) + (c - '0');
            }

            if (value > 255)
            {
                return false;
            }

            parts++;
            if (dot < 0)
            {
                return parts == 4;
            }

            host = host[(dot + 1)..];
        }
    }

    /// <summary>1–65535 in decimal without a sign or leading zeros (what <see cref="Uri"/> would print back).</summary>
    private static bool TryParseCanonicalPort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || text[0] == '0')
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= 65535;
    }
}
