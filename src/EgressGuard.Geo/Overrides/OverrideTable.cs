using System.Buffers.Binary;
using System.Net.Sockets;

namespace EgressGuard.Geo.Overrides;

/// <summary>
/// Admin overrides ready for matching: split by family, sorted longest prefix first and, within a
/// prefix length, in the order listed, so the first match is the answer. Override lists are short
/// (tens of entries), so a linear scan over plain integers is cheaper than any trie.
/// </summary>
internal sealed class OverrideTable
{
    private readonly Ipv4Override[] _ipv4;
    private readonly Ipv6Override[] _ipv6;

    private OverrideTable(Ipv4Override[] ipv4, Ipv6Override[] ipv6)
    {
        _ipv4 = ipv4;
        _ipv6 = ipv6;
    }

    /// <summary>Number of overrides in the table.</summary>
    public int Count => _ipv4.Length + _ipv6.Length;

    /// <summary>
    /// Builds the table. An IPv4-mapped network <c>::ffff:a.b.c.d/n</c> (n ≥ 96) becomes the IPv4
    /// network <c>a.b.c.d/(n-96)</c>, because addresses are matched after IPv4-mapped ones are
    /// unmapped; other IPv6 networks match IPv6 addresses only.
    /// </summary>
    /// <exception cref="ArgumentException">An override is null, has an unset network, or a country that is not two ASCII letters.</exception>
    public static OverrideTable Create(IEnumerable<GeoOverride> overrides)
    {
        var ipv4 = new List<(int Order, Ipv4Override Entry)>();
        var ipv6 = new List<(int Order, Ipv6Override Entry)>();
        Span<byte> bytes = stackalloc byte[16];
        var index = 0;
        foreach (var item in overrides)
        {
            if (item is null)
            {
                throw new ArgumentException($"Override {index} is null.", nameof(overrides));
            }

            var country = CountryCodes.Normalize(item.Country)
                ?? throw new ArgumentException($"Override {index} ({item.Network}): country '{item.Country}' is not an ISO 3166-1 alpha-2 code (two letters).", nameof(overrides));
            var baseAddress = item.Network.BaseAddress
                ?? throw new ArgumentException($"Override {index}: the network is not set.", nameof(overrides));

            bytes.Clear();
            _ = baseAddress.TryWriteBytes(bytes, out _);
            var prefixLength = item.Network.PrefixLength;
            var isIpv4 = baseAddress.AddressFamily == AddressFamily.InterNetwork;
            if (!isIpv4 && baseAddress.IsIPv4MappedToIPv6 && prefixLength >= 96)
            {
                bytes[12..16].CopyTo(bytes);
                prefixLength -= 96;
                isIpv4 = true;
            }

            if (isIpv4)
            {
                var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
                ipv4.Add((index, new Ipv4Override(BinaryPrimitives.ReadUInt32BigEndian(bytes) & mask, mask, prefixLength, country)));
            }
            else
            {
                var mask = prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefixLength);
                ipv6.Add((index, new Ipv6Override(BinaryPrimitives.ReadUInt128BigEndian(bytes) & mask, mask, prefixLength, country)));
            }

            index++;
        }

        ipv4.Sort(static (a, b) => a.Entry.PrefixLength != b.Entry.PrefixLength
            ? b.Entry.PrefixLength.CompareTo(a.Entry.PrefixLength)
            : a.Order.CompareTo(b.Order));
        ipv6.Sort(static (a, b) => a.Entry.PrefixLength != b.Entry.PrefixLength
            ? b.Entry.PrefixLength.CompareTo(a.Entry.PrefixLength)
            : a.Order.CompareTo(b.Order));
        return new OverrideTable([.. ipv4.ConvertAll(static o => o.Entry)], [.. ipv6.ConvertAll(static o => o.Entry)]);
    }

    /// <summary>The country of the longest matching override for an IPv4 address (host byte order), or <see langword="null"/>.</summary>
    public string? Match(uint address)
    {
        foreach (var candidate in _ipv4)
        {
            if ((address & candidate.Mask) == candidate.Network)
            {
                return candidate.Country;
            }
        }

        return null;
    }

    /// <summary>The country of the longest matching override for an IPv6 address (host byte order), or <see langword="null"/>.</summary>
    public string? Match(UInt128 address)
    {
        foreach (var candidate in _ipv6)
        {
            if ((address & candidate.Mask) == candidate.Network)
            {
                return candidate.Country;
            }
        }

        return null;
    }
}
