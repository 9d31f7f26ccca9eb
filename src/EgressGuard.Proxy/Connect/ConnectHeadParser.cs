using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Proxy.Connect;

/// <summary>
/// A bounded parser for <c>CONNECT host:port HTTP/1.1</c> heads (RFC 9110 §9.3.6, RFC 9112 §3.2.3).
/// Kestrel cannot tunnel and YARP refuses CONNECT, so the connection middleware parses it itself.
/// Strict on purpose: CRLF line ends, token header names, no obsolete line folding, at most
/// <see cref="MaxHeaderCount"/> header lines; the target must carry a port. A <c>Host</c> header
/// is accepted with or without a port and is not required to repeat the target.
/// </summary>
public static class ConnectHeadParser
{
    /// <summary>More header lines than this are refused as malformed.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>The method token the middleware peeks for.</summary>
    public static ReadOnlySpan<byte> Method => "CONNECT "u8;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>
    /// Whether <paramref name="start"/> (the first bytes of a connection) begins, or could still
    /// begin, with <c>CONNECT </c>. Returns null while undecided (fewer bytes than the token).
    /// </summary>
    public static bool? StartsWithConnect(ReadOnlySpan<byte> start)
    {
        var n = Math.Min(start.Length, Method.Length);
        if (!start[..n].SequenceEqual(Method[..n]))
        {
            return false;
        }

        return n == Method.Length ? true : null;
    }

    /// <summary>Parses the head at the start of <paramref name="buffer"/>.</summary>
    public static ConnectParseStatus TryParse(in ReadOnlySequence<byte> buffer, int maxHeadBytes, out ConnectHead head)
    {
        head = default;
        if (buffer.IsSingleSegment)
        {
            return TryParse(buffer.FirstSpan, maxHeadBytes, out head);
        }

        // Slow path for a head split across segments: find the end, then parse a contiguous copy of
        // the head — or, with no complete head within the limit, of at most maxHeadBytes, so that
        // Incomplete / TooLarge / Malformed come out exactly as for the same bytes in one span.
        var reader = new SequenceReader<byte>(buffer);
        var length = reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd, advancePastDelimiter: true) && reader.Consumed <= maxHeadBytes
            ? (int)reader.Consumed
            : (int)Math.Min(buffer.Length, maxHeadBytes);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.Slice(0, length).CopyTo(rented);
            return TryParse(rented.AsSpan(0, length), maxHeadBytes, out head);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses the head at the start of a contiguous buffer.</summary>
    public static ConnectParseStatus TryParse(ReadOnlySpan<byte> buffer, int maxHeadBytes, out ConnectHead head)
    {
        head = default;
        var window = buffer.Length > maxHeadBytes ? buffer[..maxHeadBytes] : buffer;
        var end = window.IndexOf(HeadEnd);
        if (end < 0)
        {
            // A bare LF can never be part of a valid head: refuse it now instead of waiting for a
            // CRLF CRLF that a client ending lines with LF alone will never send.
            if (HasBareLineFeed(window))
            {
                return Malformed(out head, "line ends must be CRLF");
            }

            return buffer.Length >= maxHeadBytes ? ConnectParseStatus.TooLarge : ConnectParseStatus.Incomplete;
        }

        var headLength = end + HeadEnd.Length;
        var lines = buffer[..(end + 2)]; // every line keeps its CRLF

        // Request line: CONNECT SP authority SP HTTP/1.x CRLF
        var lineEnd = lines.IndexOf("\r\n"u8);
        var requestLine = lines[..lineEnd];
        if (!requestLine.StartsWith(Method))
        {
            return Malformed(out head, "request line must start with 'CONNECT '");
        }

        var rest = requestLine[Method.Length..];
        var space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            return Malformed(out head, "request line must be 'CONNECT host:port HTTP/1.1'");
        }

        var version = rest[(space + 1)..];
        if (version.IndexOf((byte)' ') >= 0)
        {
            return Malformed(out head, "request line must be 'CONNECT host:port HTTP/1.1'");
        }

        if (version.Length != 8 || !version.StartsWith("HTTP/1."u8) || (version[7] != (byte)'1' && version[7] != (byte)'0'))
        {
            return Malformed(out head, "unsupported HTTP version (HTTP/1.0 or HTTP/1.1 expected)");
        }

        var status = ParseAuthority(rest[..space], out var host, out var port, out var authorityError);
        if (status != ConnectParseStatus.Complete)
        {
            return Malformed(out head, authorityError!);
        }

        // Header lines: token ":" OWS value OWS CRLF
        var headers = lines[(lineEnd + 2)..];
        var count = 0;
        while (!headers.IsEmpty)
        {
            var eol = headers.IndexOf("\r\n"u8);
            var line = headers[..eol];
            headers = headers[(eol + 2)..];
            if (++count > MaxHeaderCount)
            {
                return Malformed(out head, "too many header lines");
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].ContainsAnyExcept(TokenChars))
            {
                return Malformed(out head, "malformed header line");
            }

            if (line[(colon + 1)..].IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
            {
                return Malformed(out head, "control character in header value");
            }
        }

        head = new ConnectHead(host!, port, headLength, null);
        return ConnectParseStatus.Complete;
    }

    /// <summary>
    /// Parses <c>host:port</c>, <c>a.b.c.d:port</c> or <c>[v6]:port</c>. The port is mandatory
    /// (RFC 9110 §9.3.6) and must be 1–65535 in decimal digits.
    /// </summary>
    internal static ConnectParseStatus ParseAuthority(ReadOnlySpan<byte> authority, out string? host, out int port, out string? error)
    {
        host = null;
        port = 0;
        error = null;
        ReadOnlySpan<byte> hostPart;
        ReadOnlySpan<byte> portPart;
        if (!authority.IsEmpty && authority[0] == (byte)'[')
        {
            var close = authority.IndexOf((byte)']');
            if (close < 0)
            {
                error = "unterminated IPv6 literal in target";
                return ConnectParseStatus.Malformed;
            }

            hostPart = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.IsEmpty || after[0] != (byte)':')
            {
                error = "target has no port (CONNECT needs host:port)";
                return ConnectParseStatus.Malformed;
            }

            portPart = after[1..];
            if (!IPAddress.TryParse(System.Text.Encoding.ASCII.GetString(hostPart), out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = "bad IPv6 literal in target";
                return ConnectParseStatus.Malformed;
            }

            host = v6.ToString();
        }
        else
        {
            var colon = authority.LastIndexOf((byte)':');
            if (colon < 0)
            {
                error = "target has no port (CONNECT needs host:port)";
                return ConnectParseStatus.Malformed;
            }

            hostPart = authority[..colon];
            portPart = authority[(colon + 1)..];
            if (hostPart.IndexOf((byte)':') >= 0)
            {
                error = "IPv6 literal targets must be in brackets";
                return ConnectParseStatus.Malformed;
            }

            if (hostPart.IsEmpty || hostPart.Length > 253)
            {
                error = "bad host in target";
                return ConnectParseStatus.Malformed;
            }

            Span<char> chars = stackalloc char[hostPart.Length];
            for (var i = 0; i < hostPart.Length; i++)
            {
                chars[i] = (char)hostPart[i];
            }

            if (!HostName.IsValid(chars))
            {
                error = "bad host in target";
                return ConnectParseStatus.Malformed;
            }

            host = new string(chars);
        }

        if (!TryParsePort(portPart, out port))
        {
            error = "bad port in target (1-65535)";
            return ConnectParseStatus.Malformed;
        }

        return ConnectParseStatus.Complete;
    }

    private static bool HasBareLineFeed(ReadOnlySpan<byte> bytes)
    {
        var i = bytes.IndexOf((byte)'\n');
        while (i >= 0)
        {
            if (i == 0 || bytes[i - 1] != (byte)'\r')
            {
                return true;
            }

            var next = bytes[(i + 1)..].IndexOf((byte)'\n');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }

    private static bool TryParsePort(ReadOnlySpan<byte> digits, out int port)
    {
        port = 0;
        if (digits.IsEmpty || digits.Length > 5)
        {
            return false;
        }

        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            port = (port * 10) + (d - '0');
        }

        return port is >= 1 and <= 65535;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ConnectParseStatus Malformed(out ConnectHead head, string error)
    {
        head = new ConnectHead(string.Empty, 0, 0, error);
        return ConnectParseStatus.Malformed;
    }
}
