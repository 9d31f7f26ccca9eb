namespace EgressGuard.Geo.Overrides;

/// <summary>An IPv6 override as plain integers: an address matches when <c>(address &amp; Mask) == Network</c>.</summary>
internal readonly record struct Ipv6Override(UInt128 Network, UInt128 Mask, int PrefixLength, string Country);
