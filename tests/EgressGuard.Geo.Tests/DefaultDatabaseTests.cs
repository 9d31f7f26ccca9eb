using System.Net;

namespace EgressGuard.Geo.Tests;

/// <summary>
/// Lookups in the bundled geo-whois-asn-country database (fetched by appliance/fetch-geo.sh, pinned
/// by SHA-256). Expected countries were read from that exact file; upstream warns its data has bugs,
/// so only well-known, stable assignments are asserted.
/// </summary>
public sealed class DefaultDatabaseTests(DefaultDatabaseFixture fixture) : IClassFixture<DefaultDatabaseFixture>
{
    [Theory]
    [InlineData("1.2.4.8", "CN")]
    [InlineData("114.114.114.114", "CN")]
    [InlineData("223.5.5.5", "CN")]
    [InlineData("8.8.8.8", "US")]
    [InlineData("9.9.9.9", "US")]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("1.64.0.1", "HK")]
    [InlineData("202.175.3.1", "MO")]
    [InlineData("168.95.1.1", "TW")]
    [InlineData("240e::1", "CN")]
    [InlineData("2408:8000::1", "CN")]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("2001:b000::1", "TW")]
    public void LookupCountry_WellKnownAddress_ReturnsItsCountry(string address, string country)
    {
        Assert.Equal(country, fixture.Database.LookupCountry(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:114.114.114.114", "CN")]
    [InlineData("::ffff:8.8.8.8", "US")]
    public void LookupCountry_Ipv4Mapped_IsLookedUpAsIpv4(string address, string country)
    {
        // This database does not alias ::ffff:0:0/96 onto its IPv4 tree; the reader must unmap.
        Assert.Equal(country, fixture.Database.LookupCountry(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    public void LookupCountry_UnallocatedOrSpecialAddress_ReturnsNull(string address)
    {
        Assert.Null(fixture.Database.LookupCountry(IPAddress.Parse(address)));
        Assert.Equal(0, fixture.Database.LookupErrors);
    }
}
