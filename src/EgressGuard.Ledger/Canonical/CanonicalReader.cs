using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// Reads canonical fields, strictly: every length is bounds-checked, presence and boolean bytes must
/// be 0 or 1 and strings well-formed UTF-8, so exactly one byte string decodes to each entry. The
/// first problem is kept in <see cref="Error"/> and every later read fails.
/// </summary>
internal ref struct CanonicalReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        Error = CanonicalDecodeError.None;
    }

    public CanonicalDecodeError Error { get; private set; }

    public readonly bool AtEnd => _position == _data.Length;

    public readonly int Remaining => _data.Length - _position;

    public bool TryReadByte(out byte value)
    {
        if (!Ensure(1))
        {
            value = 0;
            return false;
        }

        value = _data[_position];
        _position++;
        return true;
    }

    public bool TryReadBoolean(out bool value)
    {
        value = false;
        if (!TryReadByte(out var b))
        {
            return false;
        }

        if (b > 1)
        {
            return Fail(CanonicalDecodeError.InvalidBoolean);
        }

        value = b == 1;
        return true;
    }

    public bool TryReadInt32(out int value)
    {
        if (!Ensure(sizeof(int)))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt32BigEndian(_data[_position..]);
        _position += sizeof(int);
        return true;
    }

    public bool TryReadUInt64(out ulong value)
    {
        if (!Ensure(sizeof(ulong)))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
        _position += sizeof(ulong);
        return true;
    }

    public bool TryReadInt64(out long value)
    {
        if (!Ensure(sizeof(long)))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt64BigEndian(_data[_position..]);
        _position += sizeof(long);
        return true;
    }

    public bool TryReadGuid(out Guid value)
    {
        if (!Ensure(16))
        {
            value = default;
            return false;
        }

        value = new Guid(_data.Slice(_position, 16), bigEndian: true);
        _position += 16;
        return true;
    }

    /// <summary>Checks a length-prefixed UTF-8 string and returns its bytes without decoding them.</summary>
    public bool TrySkipString(out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (!Ensure(sizeof(uint)))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        if (length > (uint)(_data.Length - _position - sizeof(uint)))
        {
            return Fail(CanonicalDecodeError.Truncated);
        }

        utf8 = _data.Slice(_position + sizeof(uint), (int)length);
        if (!Utf8.IsValid(utf8))
        {
            return Fail(CanonicalDecodeError.InvalidUtf8);
        }

        _position += sizeof(uint) + (int)length;
        return true;
    }

    /// <summary>Checks a nullable string; <paramref name="present"/> says whether it has a value.</summary>
    public bool TrySkipNullableString(out bool present, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        present = false;
        if (!TryReadByte(out var flag))
        {
            return false;
        }

        if (flag == CanonicalFormat.Absent)
        {
            return true;
        }

        if (flag != CanonicalFormat.Present)
        {
            return Fail(CanonicalDecodeError.InvalidPresenceFlag);
        }

        present = true;
        return TrySkipString(out utf8);
    }

    public bool TryReadString(out string value)
    {
        if (!TrySkipString(out var utf8))
        {
            value = string.Empty;
            return false;
        }

        value = Encoding.UTF8.GetString(utf8);
        return true;
    }

    public bool TryReadNullableString(out string? value)
    {
        value = null;
        if (!TrySkipNullableString(out var present, out var utf8))
        {
            return false;
        }

        if (present)
        {
            value = Encoding.UTF8.GetString(utf8);
        }

        return true;
    }

    public bool Fail(CanonicalDecodeError error)
    {
        if (Error == CanonicalDecodeError.None)
        {
            Error = error;
        }

        // Poison the reader: nothing after the first problem is read.
        _position = _data.Length;
        return false;
    }

    private bool Ensure(int count)
    {
        if (Error != CanonicalDecodeError.None)
        {
            return false;
        }

        if (_data.Length - _position < count)
        {
            return Fail(CanonicalDecodeError.Truncated);
        }

        return true;
    }
}
