using System.Buffers;
using System.Buffers.Binary;

namespace EgressGuard.Proxy.Tls.ClientHello;

/// <summary>
/// A bounded, allocation-light parser for the TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2)
/// that peeks the server name (RFC 6066 §3) and notices ECH (<c>encrypted_client_hello</c>,
/// 0xfe0d). Handles a hello split over several TLS records and over any number of TCP segments;
/// GREASE values (RFC 8701) are unknown extensions and skipped like any other. Never throws for
/// any input: every outcome is a <see cref="ClientHelloStatus"/>. Allocates only the server-name
/// string, plus a pooled buffer when the hello spans records or segments.
/// </summary>
public static class ClientHelloParser
{
    /// <summary>Largest hello accepted (post-quantum key shares make hellos of a few KiB; 64 KiB is far beyond any real one).</summary>
    public const int MaxHelloBytes = 64 * 1024;

    private const byte HandshakeRecord = 22;
    private const byte ClientHelloMessage = 1;
    private const int RecordHeader = 5;
    private const int MaxRecordPayload = 16384 + 2048;
    private const ushort ServerNameExtension = 0;
    private const ushort EncryptedClientHelloExtension = 0xfe0d;

    /// <summary>Parses from the start of <paramref name="input"/> (a pipe's buffer, possibly many segments).</summary>
    public static ClientHelloInfo Parse(ReadOnlySequence<byte> input)
    {
        if (input.IsSingleSegment)
        {
            return Parse(input.FirstSpan);
        }

        var length = (int)Math.Min(input.Length, MaxHelloBytes + 64 * RecordHeader);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            input.Slice(0, length).CopyTo(rented);
            return Parse(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses from the start of <paramref name="input"/>.</summary>
    public static ClientHelloInfo Parse(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.Incomplete);
        }

        if (input[0] != HandshakeRecord)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.NotTls);
        }

        if (input.Length < RecordHeader)
        {
            return ClientHelloInfo.Of(input.Length >= 2 && input[1] != 3 ? ClientHelloStatus.NotTls : ClientHelloStatus.Incomplete);
        }

        if (input[1] != 3)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.NotTls);
        }

        var firstLength = BinaryPrimitives.ReadUInt16BigEndian(input[3..]);
        if (firstLength is 0 or > MaxRecordPayload)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
        }

        // Fast path: the whole hello in the first record, all of it received.
        if (input.Length >= RecordHeader + firstLength && firstLength >= 4)
        {
            var fragment = input.Slice(RecordHeader, firstLength);
            var declared = 4 + ((fragment[1] << 16) | (fragment[2] << 8) | fragment[3]);
            if (fragment[0] == ClientHelloMessage && declared <= firstLength)
            {
                var info = ParseMessage(fragment[..declared]);
                return info.Status == ClientHelloStatus.Complete ? info with { Length = RecordHeader + firstLength } : info;
            }
        }

        return ParseFragmented(input);
    }

    private static ClientHelloInfo ParseFragmented(ReadOnlySpan<byte> input)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(input.Length, MaxHelloBytes + 4));
        try
        {
            var gathered = 0;
            var position = 0;
            var needed = -1;
            while (true)
            {
                if (needed >= 0 && gathered >= needed)
                {
                    var info = ParseMessage(buffer.AsSpan(0, needed));
                    return info.Status == ClientHelloStatus.Complete ? info with { Length = position } : info;
                }

                if (input.Length - position < RecordHeader)
                {
                    return ClientHelloInfo.Of(ClientHelloStatus.Incomplete);
                }

                var header = input.Slice(position, RecordHeader);
                if (header[0] != HandshakeRecord || header[1] != 3)
                {
                    // Another record type in the middle of a hello (alert, application data) is not allowed.
                    return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
                }

                var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
                if (recordLength is 0 or > MaxRecordPayload)
                {
                    return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
                }

                var available = Math.Min(recordLength, input.Length - position - RecordHeader);
                var take = Math.Min(available, buffer.Length - gathered);
                input.Slice(position + RecordHeader, take).CopyTo(buffer.AsSpan(gathered));
                gathered += take;
                if (needed < 0 && gathered >= 4)
                {
                    if (buffer[0] != ClientHelloMessage)
                    {
                        return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
                    }

                    needed = 4 + ((buffer[1] << 16) | (buffer[2] << 8) | buffer[3]);
                    if (needed > MaxHelloBytes)
                    {
                        return ClientHelloInfo.Of(ClientHelloStatus.TooLarge);
                    }

                    if (needed > buffer.Length)
                    {
                        // More bytes were promised than the caller has given so far.
                        return ClientHelloInfo.Of(ClientHelloStatus.Incomplete);
                    }
                }

                if (available < recordLength)
                {
                    return needed >= 0 && gathered >= needed
                        ? ParseGathered(buffer, needed, position + RecordHeader + recordLength)
                        : ClientHelloInfo.Of(ClientHelloStatus.Incomplete);
                }

                position += RecordHeader + recordLength;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ClientHelloInfo ParseGathered(byte[] buffer, int needed, int length)
    {
        var info = ParseMessage(buffer.AsSpan(0, needed));
        return info.Status == ClientHelloStatus.Complete ? info with { Length = length } : info;
    }

    /// <summary>Parses one complete handshake message (header included).</summary>
    private static ClientHelloInfo ParseMessage(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(message[4..]);
        if (message[0] != ClientHelloMessage
            || !reader.Skip(2 + 32)                 // legacy_version, random
            || !reader.SkipVector8(32)              // legacy_session_id <0..32>
            || !reader.ReadVector16(out var suites) || suites.Length < 2 || (suites.Length & 1) != 0
            || !reader.ReadVector8(out var compression) || compression.IsEmpty)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
        }

        if (reader.Remaining == 0)
        {
            return new ClientHelloInfo(ClientHelloStatus.Complete, null, false, 0); // an old hello without extensions
        }

        if (!reader.ReadVector16(out var extensions) || reader.Remaining != 0)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
        }

        string? serverName = null;
        var sawServerName = false;
        var ech = false;
        var list = new Reader(extensions);
        while (list.Remaining > 0)
        {
            if (!list.ReadUInt16(out var type) || !list.ReadVector16(out var data))
            {
                return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
            }

            if (type == ServerNameExtension)
            {
                if (sawServerName || !TryReadServerName(data, out serverName))
                {
                    return ClientHelloInfo.Of(ClientHelloStatus.Malformed);
                }

                sawServerName = true;
            }
            else if (type == EncryptedClientHelloExtension)
            {
                ech = true;
            }
        }

        return new ClientHelloInfo(ClientHelloStatus.Complete, serverName, ech, 0);
    }

    private static bool TryReadServerName(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        var reader = new Reader(data);
        if (!reader.ReadVector16(out var names) || reader.Remaining != 0 || names.IsEmpty)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[253];
        var list = new Reader(names);
        while (list.Remaining > 0)
        {
            if (!list.ReadByte(out var nameType) || !list.ReadVector16(out var name))
            {
                return false;
            }

            if (nameType != 0 || serverName is not null)
            {
                continue; // only host_name(0) is defined; the first one counts
            }

            if (name.IsEmpty || name.Length > 253)
            {
                return false;
            }

            var chars = buffer[..name.Length];
            for (var i = 0; i < name.Length; i++)
            {
                var c = (char)name[i];
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
                {
                    return false; // RFC 6066: ASCII host name, no trailing NUL, no IP literals' brackets
                }

                chars[i] = char.ToLowerInvariant(c);
            }

            if (chars[^1] == '.')
            {
                chars = chars[..^1];
            }

            if (chars.IsEmpty)
            {
                return false;
            }

            serverName = new string(chars);
        }

        return true;
    }

    private ref struct Reader
    {
        private ReadOnlySpan<byte> _data;

        public Reader(ReadOnlySpan<byte> data) => _data = data;

        public readonly int Remaining => _data.Length;

        public bool Skip(int count)
        {
            if (_data.Length < count)
            {
                return false;
            }

            _data = _data[count..];
            return true;
        }

        public bool ReadByte(out byte value)
        {
            value = 0;
            if (_data.IsEmpty)
            {
                return false;
            }

            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool ReadUInt16(out ushort value)
        {
            value = 0;
            if (_data.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_data);
            _data = _data[2..];
            return true;
        }

        public bool SkipVector8(int max) => ReadVector8(out var v) && v.Length <= max;

        public bool ReadVector8(out ReadOnlySpan<byte> value)
        {
            value = default;
            if (!ReadByte(out var length) || _data.Length < length)
            {
                return false;
            }

            value = _data[..length];
            _data = _data[length..];
            return true;
        }

        public bool ReadVector16(out ReadOnlySpan<byte> value)
        {
            value = default;
            if (!ReadUInt16(out var length) || _data.Length < length)
            {
                return false;
            }

            value = _data[..length];
            _data = _data[length..];
            return true;
        }
    }
}
