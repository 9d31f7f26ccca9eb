using System.Net;

namespace EgressGuard.Geo.Tests;

public sealed class CountryResolverTests : IDisposable
{
    private readonly ICountryDatabase _database;

    public CountryResolverTests()
    {
        var result = CountryDatabase.Open(GeoTestFiles.GeoIP("GeoIP2-Country-Test.mmdb"));
        Assert.True(result.Succeeded, result.Error);
        _database = result.Database;
    }

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("2001:2e0::1", "HK")]
    [InlineData("::ffff:175.16.199.1", "CN")]
    public void Resolve_NoOverrides_ReturnsDatabaseCountry(string address, string country)
    {
        var resolver = new CountryResolver(_database, []);

        Assert.Equal(new CountryLookup(country, CountrySource.Database), resolver.Resolve(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("214.1.1.1")]
    [InlineData("1.1.1.1")]
    [InlineData("2a00::1")]
    public void Resolve_AddressWithoutCountry_ReturnsUnknown(string address)
    {
        var resolver = new CountryResolver(_database, []);

        var lookup = resolver.Resolve(IPAddress.Parse(address));

        Assert.Equal(new CountryLookup(null, CountrySource.Unknown), lookup);
    }

    [Theory]
    [InlineData("81.2.69.142", "CN")]
    [InlineData("::ffff:81.2.69.142", "CN")]
    [InlineData("81.2.69.200", "US")]
    [InlineData("81.2.70.1", "DE")]
    [InlineData("214.1.1.1", "FR")]
    public void Resolve_OverlappingOverrides_LongestPrefixWinsOverDatabase(string address, string country)
    {
        var resolver = new CountryResolver(_database,
        [
            new GeoOverride(IPNetwork.Parse("81.0.0.0/8"), "DE"),
            new GeoOverride(IPNetwork.Parse("81.2.69.128/25"), "US"),
            new GeoOverride(IPNetwork.Parse("81.2.69.142/31"), "cn"),
            new GeoOverride(IPNetwork.Parse("214.0.0.0/8"), "FR"),
        ]);

        Assert.Equal(new CountryLookup(country, CountrySource.Override), resolver.Resolve(IPAddress.Parse(address)));
    }

    [Fact]
    public void Resolve_EqualPrefixes_FirstListedWins()
    {
        var resolver = new CountryResolver(_database,
        [
            new GeoOverride(IPNetwork.Parse("10.0.0.0/8"), "JP"),
            new GeoOverride(IPNetwork.Parse("10.0.0.0/8"), "KR"),
        ]);

        Assert.Equal(new CountryLookup("JP", CountrySource.Override), resolver.Resolve(IPAddress.Parse("10.9.9.9")));
    }

    [Theory]
    [InlineData("2001:250::1", "SG")]
    [InlineData("2001:250:1::1", "MY")]
    [InlineData("2001:251::1", "CN")]
    [InlineData("2001:2e0::1", "HK")]
    public void Resolve_Ipv6Overrides_LongestPrefixWinsOverDatabase(string address, string country)
    {
        var resolver = new CountryResolver(_database,
        [
            new GeoOverride(IPNetwork.Parse("2001:250::/32"), "SG"),
            new GeoOverride(IPNetwork.Parse("2001:250:1::/48"), "MY"),
        ]);

        var lookup = resolver.Resolve(IPAddress.Parse(address));

        Assert.Equal(country, lookup.Country);
        Assert.Equal(country is "SG" or "MY" ? CountrySource.Override : CountrySource.Database, lookup.Source);
    }

    [Fact]
    public void Resolve_Ipv4Override_DoesNotMatchIpv6Address()
    {
        var resolver = new CountryResolver(_database, [new GeoOverride(IPNetwork.Parse("0.0.0.0/0"), "CN")]);

        Assert.Equal(new CountryLookup("JP", CountrySource.Database), resolver.Resolve(IPAddress.Parse("2001:218::1")));
        Assert.Equal(new CountryLookup("CN", CountrySource.Override), resolver.Resolve(IPAddress.Parse("81.2.69.142")));
    }

    [Fact]
    public void Resolve_Ipv4MappedOverrideNetwork_MatchesIpv4Addresses()
    {
        var resolver = new CountryResolver(_database, [new GeoOverride(IPNetwork.Parse("::ffff:81.2.69.0/120"), "IE")]);

        Assert.Equal(new CountryLookup("IE", CountrySource.Override), resolver.Resolve(IPAddress.Parse("81.2.69.142")));
        Assert.Equal(new CountryLookup("IE", CountrySource.Override), resolver.Resolve(IPAddress.Parse("::ffff:81.2.69.142")));
    }

    [Fact]
    public void Resolve_OverrideCountry_IsInternedUpperCase()
    {
        var resolver = new CountryResolver(_database, [new GeoOverride(IPNetwork.Parse("10.0.0.0/8"), "cn")]);

        var lookup = resolver.Resolve(IPAddress.Parse("10.1.1.1"));

        Assert.Same(string.IsInterned("CN"), lookup.Country);
    }

    [Theory]
    [InlineData("CHN")]
    [InlineData("C")]
    [InlineData("")]
    [InlineData("C1")]
    [InlineData("ÇN")]
    public void Constructor_OverrideWithInvalidCountry_Throws(string country)
    {
        var overrides = new[] { new GeoOverride(IPNetwork.Parse("10.0.0.0/8"), "CN"), new GeoOverride(IPNetwork.Parse("11.0.0.0/8"), country) };

        var error = Assert.Throws<ArgumentException>(() => new CountryResolver(_database, overrides));

        Assert.Contains("Override 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_ReportsTheDatabaseInfo()
    {
        var resolver = new CountryResolver(_database, []);

        Assert.Same(_database.Info, resolver.Database);
    }

    [Fact]
    public void Resolve_ManyThreads_AgreeWithSingleThreadedAnswers()
    {
        var resolver = new CountryResolver(_database, [new GeoOverride(IPNetwork.Parse("81.2.69.142/32"), "CN")]);
        var addresses = new[] { "81.2.69.142", "81.2.69.143", "2001:238::1", "214.1.1.1" }.Select(IPAddress.Parse).ToArray();
        var expected = addresses.Select(resolver.Resolve).ToArray();

        Parallel.For(0, 4000, i => Assert.Equal(expected[i % 4], resolver.Resolve(addresses[i % 4])));

        Assert.Equal(
            [new("CN", CountrySource.Override), new("GB", CountrySource.Database), new("TW", CountrySource.Database), new(null, CountrySource.Unknown)],
            expected);
    }

    [Fact]
    public void Resolve_OverrideHit_DoesNotAllocate()
    {
        var resolver = new CountryResolver(_database,
        [
            new GeoOverride(IPNetwork.Parse("10.0.0.0/8"), "CN"),
            new GeoOverride(IPNetwork.Parse("2001:db8::/32"), "CN"),
        ]);
        IPAddress[] addresses = [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("2001:db8::1"), IPAddress.Parse("::ffff:10.1.2.3")];
        foreach (var address in addresses)
        {
            _ = resolver.Resolve(address);
        }

        var overridden = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 300; i++)
        {
            overridden += resolver.Resolve(addresses[i % 3]).Source == CountrySource.Override ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(300, overridden);
        Assert.Equal(0, allocated);
    }
}
