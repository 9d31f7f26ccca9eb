namespace EgressGuard.Policy.Networks;

/// <summary>What kind of address a destination resolved to, for the private-destination rule.</summary>
public enum AddressClass
{
    /// <summary>A globally routable unicast address.</summary>
    Public = 0,

    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>RFC 1918 (10/8, 172.16/12, 192.168/16) and IPv6 unique-local fc00::/7.</summary>
    Private,

    /// <summary>169.254/16 and fe80::/10.</summary>
    LinkLocal,

    /// <summary>Carrier-grade NAT shared space 100.64.0.0/10 (RFC 6598).</summary>
    Cgnat,

    /// <summary>224.0.0.0/4, ff00::/8, and 255.255.255.255.</summary>
    Multicast,

    /// <summary>Cloud instance metadata endpoints: 169.254.169.254, 100.100.100.200 (Alibaba Cloud), fd00:ec2::254.</summary>
    Metadata,

    /// <summary>0.0.0.0/8, ::, and other addresses that can never be a real destination (240/4, 192.0.0/24, benchmarking 198.18/15, documentation ranges).</summary>
    Reserved,
}
