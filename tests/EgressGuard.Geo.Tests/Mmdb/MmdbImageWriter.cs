using System.Buffers.Binary;
using System.Text;

namespace EgressGuard.Geo.Tests.Mmdb;

/// <summary>
/// Writes small MaxMind DB images (24-bit records) byte by byte, following the MaxMind DB spec 2.0,
/// so tests can build exactly the defect they need — a cyclic record, a pointer to a pointer, a
/// search-tree loop — in a real file. The copied MaxMind bad-data files cover some of these only
/// behind an earlier metadata defect.
/// </summary>
internal static class MmdbImageWriter
{
    private const int DataSectionSeparatorSize = 16;

    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    /// <summary>The search-tree record value that points at <paramref name="dataOffset"/> in the data section.</summary>
    public static uint DataRecord(uint nodeCount, int dataOffset) => nodeCount + DataSectionSeparatorSize + (uint)dataOffset;

    /// <summary>A field header: control byte, extended type byte, size bytes.</summary>
    public static byte[] Header(int type, int size)
    {
        var bytes = new List<byte>();
        int sizeBits;
        byte[] extra;
        if (size < 29)
        {
            sizeBits = size;
            extra = [];
        }
        else if (size < 285)
        {
            sizeBits = 29;
            extra = [(byte)(size - 29)];
        }
        else if (size < 65821)
        {
            sizeBits = 30;
            extra = [(byte)((size - 285) >> 8), (byte)(size - 285)];
        }
        else
        {
            sizeBits = 31;
            extra = [(byte)((size - 65821) >> 16), (byte)((size - 65821) >> 8), (byte)(size - 65821)];
        }

        if (type <= 7)
        {
            bytes.Add((byte)((type << 5) | sizeBits));
        }
        else
        {
            bytes.Add((byte)sizeBits);
            bytes.Add((byte)(type - 7));
        }

        bytes.AddRange(extra);
        return [.. bytes];
    }

    /// <summary>A UTF-8 string field.</summary>
    public static byte[] String(string value) => StringBytes(Encoding.UTF8.GetBytes(value));

    /// <summary>A string field holding arbitrary (possibly invalid UTF-8) bytes.</summary>
    public static byte[] StringBytes(byte[] value) => [.. Header(2, value.Length), .. value];

    /// <summary>An unsigned integer field of the given type (5 = uint16, 6 = uint32, 9 = uint64) with minimal length.</summary>
    public static byte[] Unsigned(ulong value, int type = 6)
    {
        var full = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(full, value);
        var payload = full.AsSpan(full.AsSpan().IndexOfAnyExcept((byte)0) is var first and >= 0 ? first : 8).ToArray();
        return [.. Header(type, payload.Length), .. payload];
    }

    /// <summary>A double field with an explicit (possibly wrong) payload size.</summary>
    public static byte[] Double(double value, int size = 8)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(payload, value);
        return [.. Header(3, size), .. payload.AsSpan(0, Math.Min(size, 8)), .. new byte[Math.Max(0, size - 8)]];
    }

    /// <summary>A pointer to <paramref name="target"/> (an offset in the same section), using the smallest encoding.</summary>
    public static byte[] Pointer(int target)
    {
        if (target < 2048)
        {
            return [(byte)(0x20 | (target >> 8)), (byte)target];
        }

        var value = target - 2048;
        return [(byte)(0x28 | (value >> 16)), (byte)(value >> 8), (byte)value];
    }

    /// <summary>A map of string keys to already-encoded values.</summary>
    public static byte[] Map(params (string Key, byte[] Value)[] pairs)
    {
        var bytes = new List<byte>(Header(7, pairs.Length));
        foreach (var (key, value) in pairs)
        {
            bytes.AddRange(String(key));
            bytes.AddRange(value);
        }

        return [.. bytes];
    }

    /// <summary>An array of already-encoded values.</summary>
    public static byte[] Array(params byte[][] items) => [.. Header(11, items.Length), .. items.SelectMany(static i => i)];

    /// <summary>The metadata fields a sound IPv4 country_code database has; edit and pass to <see cref="Image"/>.</summary>
    public static Dictionary<string, byte[]> Metadata(uint nodeCount, int ipVersion = 4, string databaseType = "country ipv4") => new()
    {
        ["binary_format_major_version"] = Unsigned(2, 5),
        ["binary_format_minor_version"] = Unsigned(0, 5),
        ["build_epoch"] = Unsigned(1_700_000_000, 9),
        ["database_type"] = String(databaseType),
        ["description"] = Map(("en", String("EgressGuard test database"))),
        ["ip_version"] = Unsigned((ulong)ipVersion, 5),
        ["languages"] = Array(String("en")),
        ["node_count"] = Unsigned(nodeCount),
        ["record_size"] = Unsigned(24, 5),
    };

    /// <summary>
    /// A whole image: the tree (two 24-bit records per node, left then right), the separator, the
    /// data section and the metadata (defaults from <see cref="Metadata"/> unless given).
    /// </summary>
    public static byte[] Image(uint[] records, byte[] data, Dictionary<string, byte[]>? metadata = null, int ipVersion = 4)
    {
        var nodeCount = (uint)(records.Length / 2);
        metadata ??= Metadata(nodeCount, ipVersion);
        var bytes = new List<byte>();
        foreach (var record in records)
        {
            bytes.Add((byte)(record >> 16));
            bytes.Add((byte)(record >> 8));
            bytes.Add((byte)record);
        }

        bytes.AddRange(new byte[DataSectionSeparatorSize]);
        bytes.AddRange(data);
        bytes.AddRange(MetadataMarker);
        bytes.AddRange(Map([.. metadata.Select(static kv => (kv.Key, kv.Value))]));
        return [.. bytes];
    }

    /// <summary>
    /// The smallest sound IPv4 country_code database: one node, 0.0.0.0/1 → <paramref name="low"/>,
    /// 128.0.0.0/1 → <paramref name="high"/> (each an encoded record value).
    /// </summary>
    public static byte[] TwoHalves(byte[] low, byte[] high, Dictionary<string, byte[]>? metadata = null) =>
        Image([DataRecord(1, 0), DataRecord(1, low.Length)], [.. low, .. high], metadata);

    /// <summary>A <c>{"country_code": …}</c> record.</summary>
    public static byte[] CountryCodeRecord(string code) => Map(("country_code", String(code)));
}
