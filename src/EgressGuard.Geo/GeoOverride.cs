using System.Net;

namespace EgressGuard.Geo;

/// <summary>
/// An administrator's statement that addresses in <paramref name="Network"/> are in
/// <paramref name="Country"/>; it wins over the database. Where overrides overlap the longest prefix
/// wins, and between equal prefixes the one listed first. An IPv4-mapped IPv6 network
/// (<c>::ffff:a.b.c.d/n</c>, n ≥ 96) is treated as the IPv4 network it maps.
/// </summary>
/// <param name="Network">The addresses the override covers.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code (two ASCII letters, any case; stored upper case).</param>
public sealed record GeoOverride(IPNetwork Network, string Country);
