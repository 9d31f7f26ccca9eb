using System.Buffers.Binary;
using System.Text;

namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// Writes canonical fields into a span the caller has already sized (see
/// <see cref="CanonicalEncoder"/>): big-endian integers, length-prefixed UTF-8, presence bytes.
/// </summary>
internal ref struct CanonicalWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public CanonicalWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteByte(byte value)
    {
        _buffer[_position] = value;
        _position++;
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer[_position..], value);
        _position += sizeof(int);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer[_position..], value);
        _position += sizeof(ulong);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer[_position..], value);
        _position += sizeof(long);
    }

    public void WriteGuid(Guid value)
    {
        // RFC 9562 byte order (big-endian fields), not .NET's mixed-endian ToByteArray layout.
        value.TryWriteBytes(_buffer[_position..], bigEndian: true, out var written);
        _position += written;
    }

    public void WriteString(string value)
    {
        // Invalid UTF-16 (a lone surrogate) becomes U+FFFD: deterministic, never an exception.
        var length = Encoding.UTF8.GetBytes(value, _buffer[(_position + sizeof(uint))..]);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], (uint)length);
        _position += sizeof(uint) + length;
    }

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteByte(CanonicalFormat.Absent);
            return;
        }

        WriteByte(CanonicalFormat.Present);
        WriteString(value);
    }
}
