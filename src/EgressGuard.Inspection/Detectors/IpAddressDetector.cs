using System.Net;
using System.Net.Sockets;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>ip_address</c>: dotted-quad IPv4 (no leading zeros, each part ≤ 255, optional :port left out of the span)
/// and IPv6 in any RFC 4291 text form, parsed by <see cref="IPAddress"/> once the cheap shape checks pass.
/// </summary>
internal static class IpAddressDetector
{
    /// <summary>IPv4 over scanner groups, optionally followed by :port.</summary>
    public static bool TryMatchV4(in Candidate c, ReadOnlySpan<byte> separators, Span<byte> normalized, out DetectorMatch match, out int groupsUsed)
    {
        match = default;
        groupsUsed = 0;
        var g = c.Groups;
        if (g.Length is not (4 or 5) || c.PlusPrefix)
        {
            return false;
        }

        for (var i = 1; i < 4; i++)
        {
            if (separators[i] != '.')
            {
                return false;
            }
        }

        if (g.Length == 5 && (separators[4] != ':' || g[4] > 5))
        {
            return false;
        }

        var v = c.Value;
        var pos = 0;
        var n = 0;
        for (var i = 0; i < g.Length; i++)
        {
            var part = v.Slice(pos, g[i]);
            pos += g[i];
            foreach (var b in part)
            {
                if (!CharFold.IsDigit(b))
                {
                    return false;
                }
            }

            if (i == 4)
            {
                break;
            }

            if (part.Length > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var b in part)
            {
                value = (value * 10) + (b - '0');
            }

            if (value > 255)
            {
                return false;
            }

            if (i > 0)
            {
                normalized[n++] = (byte)'.';
            }

            part.CopyTo(normalized[n..]);
            n += part.Length;
        }

        // A trailing :port is not part of the address (cn-pii-bench spans agree).
        groupsUsed = 4;
        match = DetectorMatch.Create(PiiKind.IpAddress, false, 0.8f, ContextHints.None, n);
        return true;
    }

    /// <summary>Tries the hex/colon run <paramref name="text"/> as an IPv6 address.</summary>
    public static bool TryMatchV6(ReadOnlySpan<byte> text, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        if (text.Length is < 3 or > 45)
        {
            return false;
        }

        var colons = 0;
        var digits = 0;
        var doubleColon = false;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b == ':')
            {
                colons++;
                if (i > 0 && text[i - 1] == ':')
                {
                    doubleColon = true;
                }
            }
            else if (CharFold.IsDigit(b))
            {
                digits++;
            }
        }

        var embeddedV4 = text.IndexOf((byte)'.') >= 0;
        if (digits == 0 || colons < 2 || (!doubleColon && colons < (embeddedV4 ? 6 : 7)))
        {
            return false;
        }

        Span<char> chars = stackalloc char[45];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        if (!IPAddress.TryParse(chars[..text.Length], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<char> formatted = stackalloc char[64];
        if (!address.TryFormat(formatted, out var written))
        {
            return false;
        }

        for (var i = 0; i < written; i++)
        {
            normalized[i] = (byte)formatted[i];
        }

        match = DetectorMatch.Create(PiiKind.IpAddress, false, 0.8f, ContextHints.None, written);
        return true;
    }
}
