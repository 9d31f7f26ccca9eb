using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace EgressGuard.Geo.Mmdb;

/// <summary>
/// A data section of an in-memory MaxMind DB image — the data section proper, or the metadata
/// section, which uses the same encoding with pointers relative to its own start — with a
/// structural validator that follows pointers and catches every defect a lookup could trip on.
/// </summary>
/// <remarks>
/// Validation is memoised per pointer (and record) target, so a value shared by many records is
/// walked once and the total work is about the size of the referenced data. The walk recurses only
/// through containers and single pointer hops (a pointer to a pointer is illegal), and containers
/// may nest at most <see cref="MaxDepth"/> deep, so the stack stays small; a value that contains
/// itself is caught the first time the walk meets it again.
/// </remarks>
internal sealed class MmdbDataSection
{
    /// <summary>Deepest container nesting accepted. Real GeoIP2 records nest four deep.</summary>
    internal const int MaxDepth = 64;

    private const int InProgress = -1;

    private readonly byte[] _image;
    private readonly int _start;

    // Pointer or record target → height of the value there once validated, or InProgress while it
    // is being walked (meeting it again then means a cycle).
    private readonly Dictionary<int, int> _validated = [];

    /// <summary>Creates a view of <paramref name="length"/> bytes of <paramref name="image"/> from <paramref name="start"/>.</summary>
    public MmdbDataSection(byte[] image, int start, int length)
    {
        _image = image;
        _start = start;
        Length = length;
    }

    /// <summary>Size of the section in bytes.</summary>
    public int Length { get; }

    private ReadOnlySpan<byte> Bytes => _image.AsSpan(_start, Length);

    /// <summary>Decodes the control byte(s), size and (for a pointer) target of the field at <paramref name="offset"/>.</summary>
    public bool TryReadField(int offset, out MmdbField field, [NotNullWhen(false)] out string? error)
    {
        field = default;
        var data = Bytes;
        if ((uint)offset >= (uint)data.Length)
        {
            error = $"field at offset {offset} is past the end of the section ({data.Length} bytes)";
            return false;
        }

        var control = data[offset];
        var position = offset + 1;
        var typeNumber = control >> 5;
        if (typeNumber == (int)MmdbType.Extended)
        {
            if (position >= data.Length)
            {
                error = Truncated(offset);
                return false;
            }

            typeNumber = data[position] + 7;
            position++;
            if (typeNumber is < 8 or > 15)
            {
                error = $"field at offset {offset} has an invalid extended type ({typeNumber})";
                return false;
            }
        }

        var type = (MmdbType)typeNumber;
        if (type == MmdbType.Pointer)
        {
            // 001SSVVV: SS+1 more bytes; the VVV bits are the high bits except for 4-byte pointers.
            var pointerSize = ((control >> 3) & 0x3) + 1;
            if (position + pointerSize > data.Length)
            {
                error = Truncated(offset);
                return false;
            }

            var high = control & 0x7;
            long target = pointerSize switch
            {
                1 => (high << 8) | data[position],
                2 => ((high << 16) | (data[position] << 8) | data[position + 1]) + 2048L,
                3 => ((high << 24) | (data[position] << 16) | (data[position + 1] << 8) | data[position + 2]) + 526336L,
                _ => BinaryPrimitives.ReadUInt32BigEndian(data.Slice(position, 4)),
            };
            if (target >= data.Length)
            {
                error = $"pointer at offset {offset} points to offset {target}, past the end of the section ({data.Length} bytes)";
                return false;
            }

            field = new MmdbField(type, (int)target, position, position + pointerSize);
            error = null;
            return true;
        }

        var size = control & 0x1F;
        if (size >= 29)
        {
            // 29, 30, 31: the size continues in the next 1, 2 or 3 bytes (spec "Payload Size").
            var extra = size - 28;
            if (position + extra > data.Length)
            {
                error = Truncated(offset);
                return false;
            }

            size = extra switch
            {
                1 => 29 + data[position],
                2 => 285 + ((data[position] << 8) | data[position + 1]),
                _ => 65821 + ((data[position] << 16) | (data[position + 1] << 8) | data[position + 2]),
            };
            position += extra;
        }

        int end;
        switch (type)
        {
            case MmdbType.Map:
            case MmdbType.Array:
            case MmdbType.Container:
            case MmdbType.EndMarker:
                end = position;
                break;
            case MmdbType.Boolean:
                if (size > 1)
                {
                    error = $"boolean at offset {offset} has value {size} (must be 0 or 1)";
                    return false;
                }

                end = position;
                break;
            default:
                if ((long)position + size > data.Length)
                {
                    error = $"{Describe(type)} at offset {offset} ({size} bytes) runs past the end of the section ({data.Length} bytes)";
                    return false;
                }

                end = position + size;
                break;
        }

        field = new MmdbField(type, size, position, end);
        error = null;
        return true;
    }

    /// <summary>
    /// Validates the value a search-tree record (or the metadata marker) leads to: it must be a
    /// map, directly or behind one pointer, and everything reachable from it must decode.
    /// </summary>
    public bool TryValidateRecord(int offset, [NotNullWhen(false)] out string? error)
    {
        if (!TryResolve(offset, out var field, out error))
        {
            return false;
        }

        if (field.Type != MmdbType.Map)
        {
            error = $"record at offset {offset} is {Describe(field.Type)}, not a map";
            return false;
        }

        return TryValidateShared(offset, 0, out _, out error);
    }

    /// <summary>Reads the field at <paramref name="offset"/>, following one pointer if it is one.</summary>
    public bool TryResolve(int offset, out MmdbField field, [NotNullWhen(false)] out string? error)
    {
        if (!TryReadField(offset, out field, out error))
        {
            return false;
        }

        if (field.Type != MmdbType.Pointer)
        {
            return true;
        }

        var pointer = field;
        if (!TryReadField(pointer.Size, out field, out error))
        {
            return false;
        }

        if (field.Type == MmdbType.Pointer)
        {
            error = $"pointer at offset {offset} points to another pointer at offset {pointer.Size}";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Lists the keys of the map at <paramref name="offset"/> (behind at most one pointer) with the
    /// offsets of their values. The map must already have passed <see cref="TryValidateRecord"/>.
    /// </summary>
    public bool TryReadMap(int offset, List<KeyValuePair<string, int>> entries, [NotNullWhen(false)] out string? error)
    {
        if (!TryResolve(offset, out var map, out error))
        {
            return false;
        }

        if (map.Type != MmdbType.Map)
        {
            error = $"value at offset {offset} is {Describe(map.Type)}, not a map";
            return false;
        }

        var position = map.PayloadOffset;
        for (var i = 0; i < map.Size; i++)
        {
            if (!TryResolve(position, out var key, out error) || !TryReadString(key, out var name, out error))
            {
                return false;
            }

            if (!TryReadField(position, out var keyField, out error))
            {
                return false;
            }

            var valueOffset = keyField.End;
            if (!TryValidateValue(valueOffset, 1, out position, out _, out error))
            {
                return false;
            }

            entries.Add(new KeyValuePair<string, int>(name, valueOffset));
        }

        return true;
    }

    /// <summary>Decodes a UTF-8 string field.</summary>
    public bool TryReadString(MmdbField field, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        if (field.Type != MmdbType.Utf8String)
        {
            value = null;
            error = $"expected a string, found {Describe(field.Type)}";
            return false;
        }

        var bytes = Bytes.Slice(field.PayloadOffset, field.Size);
        if (!Utf8.IsValid(bytes))
        {
            value = null;
            error = $"string at offset {field.PayloadOffset} is not valid UTF-8";
            return false;
        }

        value = Encoding.UTF8.GetString(bytes);
        error = null;
        return true;
    }

    /// <summary>Decodes an unsigned integer field (uint16, uint32 or uint64).</summary>
    public bool TryReadUnsigned(MmdbField field, out ulong value)
    {
        value = 0;
        if (field.Type is not (MmdbType.Uint16 or MmdbType.Uint32 or MmdbType.Uint64))
        {
            return false;
        }

        foreach (var b in Bytes.Slice(field.PayloadOffset, field.Size))
        {
            value = (value << 8) | b;
        }

        return true;
    }

    /// <summary>A short human description of a field type for error messages.</summary>
    public static string Describe(MmdbType type) => type switch
    {
        MmdbType.Pointer => "a pointer",
        MmdbType.Utf8String => "a string",
        MmdbType.Double => "a double",
        MmdbType.Bytes => "a bytes value",
        MmdbType.Uint16 => "a uint16",
        MmdbType.Uint32 => "a uint32",
        MmdbType.Map => "a map",
        MmdbType.Int32 => "an int32",
        MmdbType.Uint64 => "a uint64",
        MmdbType.Uint128 => "a uint128",
        MmdbType.Array => "an array",
        MmdbType.Container => "a data cache container",
        MmdbType.EndMarker => "an end marker",
        MmdbType.Boolean => "a boolean",
        MmdbType.Float => "a float",
        _ => "an extended-type field",
    };

    private bool TryValidateShared(int offset, int depth, out int height, [NotNullWhen(false)] out string? error)
    {
        if (_validated.TryGetValue(offset, out height))
        {
            if (height == InProgress)
            {
                error = $"cyclic data structure: the value at offset {offset} contains itself";
                return false;
            }

            if (depth + height > MaxDepth)
            {
                error = TooDeep(offset);
                return false;
            }

            error = null;
            return true;
        }

        _validated[offset] = InProgress;
        if (!TryValidateValue(offset, depth, out _, out height, out error))
        {
            return false;
        }

        _validated[offset] = height;
        return true;
    }

    // Height: 0 for a scalar, 1 + the tallest element for a container (pointers are transparent).
    private bool TryValidateValue(int offset, int depth, out int next, out int height, [NotNullWhen(false)] out string? error)
    {
        next = 0;
        height = 0;
        if (!TryReadField(offset, out var field, out error))
        {
            return false;
        }

        switch (field.Type)
        {
            case MmdbType.Pointer:
                if (!TryReadField(field.Size, out var target, out error))
                {
                    return false;
                }

                if (target.Type == MmdbType.Pointer)
                {
                    error = $"pointer at offset {offset} points to another pointer at offset {field.Size}";
                    return false;
                }

                next = field.End;
                return TryValidateShared(field.Size, depth, out height, out error);

            case MmdbType.Utf8String:
                if (!Utf8.IsValid(Bytes.Slice(field.PayloadOffset, field.Size)))
                {
                    error = $"string at offset {offset} is not valid UTF-8";
                    return false;
                }

                break;

            case MmdbType.Double:
            case MmdbType.Float:
                var width = field.Type == MmdbType.Double ? 8 : 4;
                if (field.Size != width)
                {
                    error = $"{Describe(field.Type)} at offset {offset} is {field.Size} bytes long (must be {width})";
                    return false;
                }

                break;

            case MmdbType.Uint16:
            case MmdbType.Uint32:
            case MmdbType.Int32:
            case MmdbType.Uint64:
            case MmdbType.Uint128:
                var maximum = field.Type switch
                {
                    MmdbType.Uint16 => 2,
                    MmdbType.Uint32 or MmdbType.Int32 => 4,
                    MmdbType.Uint64 => 8,
                    _ => 16,
                };
                if (field.Size > maximum)
                {
                    error = $"{Describe(field.Type)} at offset {offset} is {field.Size} bytes long (at most {maximum})";
                    return false;
                }

                break;

            case MmdbType.Bytes:
            case MmdbType.Boolean:
                break;

            case MmdbType.Map:
            case MmdbType.Array:
                return TryValidateContainer(offset, field, depth, out next, out height, out error);

            default:
                error = $"{Describe(field.Type)} at offset {offset} cannot appear in a record";
                return false;
        }

        next = field.End;
        return true;
    }

    private bool TryValidateContainer(int offset, MmdbField container, int depth, out int next, out int height, [NotNullWhen(false)] out string? error)
    {
        next = 0;
        height = 0;
        if (depth >= MaxDepth)
        {
            error = TooDeep(offset);
            return false;
        }

        var isMap = container.Type == MmdbType.Map;
        var position = container.PayloadOffset;
        var tallest = 0;
        for (var i = 0; i < container.Size; i++)
        {
            if (isMap && !TryValidateKey(position, out position, out error))
            {
                return false;
            }

            if (!TryValidateValue(position, depth + 1, out position, out var elementHeight, out error))
            {
                return false;
            }

            tallest = Math.Max(tallest, elementHeight);
        }

        next = position;
        height = tallest + 1;
        error = null;
        return true;
    }

    private bool TryValidateKey(int offset, out int next, [NotNullWhen(false)] out string? error)
    {
        next = 0;
        if (!TryReadField(offset, out var field, out error) || !TryResolve(offset, out var key, out error))
        {
            return false;
        }

        if (key.Type != MmdbType.Utf8String)
        {
            error = $"map key at offset {offset} is {Describe(key.Type)}, not a string";
            return false;
        }

        if (!Utf8.IsValid(Bytes.Slice(key.PayloadOffset, key.Size)))
        {
            error = $"map key at offset {offset} is not valid UTF-8";
            return false;
        }

        next = field.End;
        return true;
    }

    private static string Truncated(int offset) => $"field at offset {offset} is cut off by the end of the section";

    private static string TooDeep(int offset) => $"value at offset {offset} nests containers more than {MaxDepth} deep";
}
