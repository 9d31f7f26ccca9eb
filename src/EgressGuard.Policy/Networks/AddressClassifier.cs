using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Policy.Networks;

/// <summary>
/// Classifies a destination address. Pure and allocation-free; the proxy refuses every class but
/// <see cref="AddressClass.Public"/> unless the admin lists the network in
/// <c>Proxy.AllowPrivateDestinations</c> (a forward proxy must not become a door into the LAN or a
/// cloud metadata service — SSRF).
/// </summary>
public static class AddressClassifier
{
    /// <summary>Returns the class of <paramref name="address"/>; IPv4-mapped IPv6 is classified as IPv4.</summary>
    public static AddressClass Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address) : ClassifyV6(address);
    }

    private static AddressClass ClassifyV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        var v = BinaryPrimitives.ReadUInt32BigEndian(b);

        if (v == 0xA9FEA9FE /* 169.254.169.254 */ || v == 0x646464C8 /* 100.100.100.200 */)
        {
            return AddressClass.Metadata;
        }

        return (v >> 24) switch
        {
            0 => AddressClass.Reserved,
            10 => AddressClass.Private,
            127 => AddressClass.Loopback,
            >= 224 and <= 239 => AddressClass.Multicast,
            >= 240 => v == 0xFFFFFFFF ? AddressClass.Multicast : AddressClass.Reserved,
            _ => ClassifyV4Prefixes(v),
        };
    }

    private static AddressClass ClassifyV4Prefixes(uint v)
    {
        if ((v & 0xFFF00000) == 0xAC100000)
        {
            return AddressClass.Private; // 172.16.0.0/12
        }

        if ((v & 0xFFFF0000) == 0xC0A80000)
        {
            return AddressClass.Private; // 192.168.0.0/16
        }

        if ((v & 0xFFFF0000) == 0xA9FE0000)
        {
            return AddressClass.LinkLocal; // 169.254.0.0/16
        }

        if ((v & 0xFFC00000) == 0x64400000)
        {
            return AddressClass.Cgnat; // 100.64.0.0/10
        }

        if ((v & 0xFFFFFF00) == 0xC0000000 // 192.0.0.0/24 IETF protocol assignments
            || (v & 0xFFFFFF00) == 0xC0000200 // 192.0.2.0/24 TEST-NET-1
            || (v & 0xFFFFFF00) == 0xC6336400 // 198.51.100.0/24 TEST-NET-2
            || (v & 0xFFFFFF00) == 0xCB007100 // 203.0.113.0/24 TEST-NET-3
            || (v & 0xFFFFFF00) == 0xC0586300 // 192.88.99.0/24 deprecated 6to4 relay anycast
            || (v & 0xFFFE0000) == 0xC6120000) // 198.18.0.0/15 benchmarking
        {
            return AddressClass.Reserved;
        }

        return AddressClass.Public;
    }

    private static AddressClass ClassifyV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var hi = BinaryPrimitives.ReadUInt64BigEndian(b);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);

        if (hi == 0 && lo == 0)
        {
            return AddressClass.Reserved; // ::
        }

        if (hi == 0 && lo == 1)
        {
            return AddressClass.Loopback; // ::1
        }

        if (hi == 0xFD00_0EC2_0000_0000 && lo == 0x254)
        {
            return AddressClass.Metadata; // fd00:ec2::254 (AWS IMDS over IPv6)
        }

        if (b[0] == 0xFF)
        {
            return AddressClass.Multicast;
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return AddressClass.Private; // fc00::/7 unique local
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        {
            return AddressClass.LinkLocal; // fe80::/10
        }

        if (hi >> 32 == 0x2001_0DB8)
        {
            return AddressClass.Reserved; // 2001:db8::/32 documentation
        }

        if (hi >> 32 == 0x2001_0000)
        {
            return AddressClass.Reserved; // 2001::/32 Teredo: tunnels to an embedded IPv4 peer
        }

        if (hi >> 16 == 0x0064_FF9B_0001)
        {
            return AddressClass.Reserved; // 64:ff9b:1::/48 local-use NAT64 (RFC 8215) can reach site-internal hosts
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
        {
            return AddressClass.Private; // fec0::/10 deprecated site-local
        }

        if (hi == 0x0100_0000_0000_0000)
        {
            return AddressClass.Reserved; // 100::/64 discard-only
        }

        if (hi == 0 && (lo >> 32) == 0)
        {
            return AddressClass.Reserved; // IPv4-compatible (deprecated) ::a.b.c.d
        }

        // NAT64 (64:ff9b::/96) and 6to4 embed an IPv4 address a client could use to reach a private host.
        if (hi == 0x0064_FF9B_0000_0000 && (lo >> 32) == 0)
        {
            return ClassifyV4(new IPAddress(b[12..]));
        }

        if ((hi >> 48) == 0x2002)
        {
            return ClassifyV4(new IPAddress(b.Slice(2, 4)));
        }

        return AddressClass.Public;
    }
}
