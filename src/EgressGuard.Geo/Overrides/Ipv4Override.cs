namespace EgressGuard.Geo.Overrides;

/// <summary>An IPv4 override as plain integers: an address matches when <c>(address &amp; Mask) == Network</c>.</summary>
internal readonly record struct Ipv4Override(uint Network, uint Mask, int PrefixLength, string Country);
