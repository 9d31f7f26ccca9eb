using System.Net;

namespace EgressGuard.Geo.Tests;

public sealed class CountryDatabaseLookupTests
{
    public static TheoryData<string, string, string> ListedNetworks()
    {
        // Networks every one of the four MaxMind test databases holds (see tests/data/geoip/README.md).
        var networks = new (string Address, string Country)[]
        {
            ("81.2.69.142", "GB"),
            ("81.2.69.143", "GB"),
            ("216.160.83.57", "US"),
            ("89.160.20.113", "SE"),
            ("2001:250::1", "CN"),
            ("2001:251:ffff::1", "CN"),
            ("2001:2e0::1", "HK"),
            ("2001:238::1", "TW"),
            ("2001:218::1", "JP"),
        };
        var data = new TheoryData<string, string, string>();
        foreach (var file in new[] { "GeoIP2-Country-Test.mmdb", "GeoIP2-City-Test.mmdb", "GeoLite2-Country-Test.mmdb", "GeoLite2-City-Test.mmdb" })
        {
            foreach (var (address, country) in networks)
            {
                data.Add(file, address, country);
            }
        }

        // 175.16.199.0/24 is not in GeoLite2-Country-Test; 111.235.160.0/22 is only in the Country ones.
        data.Add("GeoIP2-Country-Test.mmdb", "175.16.199.1", "CN");
        data.Add("GeoIP2-City-Test.mmdb", "175.16.199.1", "CN");
        data.Add("GeoLite2-City-Test.mmdb", "175.16.199.255", "CN");
        data.Add("GeoLite2-Country-Test.mmdb", "111.235.160.1", "CN");
        data.Add("GeoIP2-Country-Test.mmdb", "111.235.163.255", "CN");
        return data;
    }

    [Theory]
    [MemberData(nameof(ListedNetworks))]
    public void LookupCountry_ListedNetwork_ReturnsItsCountry(string file, string address, string country)
    {
        using var database = Open(file);

        var found = database.LookupCountry(IPAddress.Parse(address));

        Assert.Equal(country, found);
        Assert.Equal(0, database.LookupErrors);
    }

    public static TheoryData<string, string, string> ListedIpv4Networks()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in ListedNetworks())
        {
            if (!((string)row[1]).Contains(':', StringComparison.Ordinal))
            {
                data.Add((string)row[0], (string)row[1], (string)row[2]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ListedIpv4Networks))]
    public void LookupCountry_Ipv4MappedForm_ReturnsSameAsIpv4(string file, string address, string country)
    {
        using var database = Open(file);
        var mapped = IPAddress.Parse(address).MapToIPv6();

        Assert.True(mapped.IsIPv4MappedToIPv6);
        Assert.Equal(country, database.LookupCountry(mapped));
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb")]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-Country-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void LookupCountry_SameAddressTwice_ReturnsTheSameInternedString(string file)
    {
        using var database = Open(file);

        var first = database.LookupCountry(IPAddress.Parse("81.2.69.142"));
        var second = database.LookupCountry(IPAddress.Parse("81.2.69.143"));

        Assert.Same(first, second);
        Assert.Same(string.IsInterned("GB"), first);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb", "214.1.1.1")]
    [InlineData("GeoIP2-City-Test.mmdb", "214.1.1.1")]
    [InlineData("GeoLite2-Country-Test.mmdb", "214.1.1.1")]
    [InlineData("GeoLite2-City-Test.mmdb", "214.1.1.1")]
    [InlineData("GeoIP2-Country-Test.mmdb", "::ffff:214.1.1.200")]
    public void LookupCountry_NetworkWithoutCountry_ReturnsNull(string file, string address)
    {
        using var database = Open(file);

        Assert.Null(database.LookupCountry(IPAddress.Parse(address)));
        Assert.Equal(0, database.LookupErrors);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb", "1.1.1.1")]
    [InlineData("GeoIP2-City-Test.mmdb", "10.0.0.1")]
    [InlineData("GeoLite2-Country-Test.mmdb", "2a00::1")]
    [InlineData("GeoLite2-City-Test.mmdb", "::1")]
    [InlineData("GeoIP2-Country-Test.mmdb", "::ffff:1.1.1.1")]
    public void LookupCountry_AddressInNoNetwork_ReturnsNull(string file, string address)
    {
        using var database = Open(file);

        Assert.Null(database.LookupCountry(IPAddress.Parse(address)));
        Assert.Equal(0, database.LookupErrors);
    }

    [Fact]
    public void LookupCountry_AfterDispose_ReturnsNullWithoutThrowing()
    {
        var database = Open("GeoIP2-Country-Test.mmdb");
        database.Dispose();

        Assert.Null(database.LookupCountry(IPAddress.Parse("81.2.69.142")));
    }

    [Fact]
    public void LookupCountry_NullAddress_ReturnsNullWithoutThrowing()
    {
        using var database = Open("GeoIP2-Country-Test.mmdb");

        Assert.Null(database.LookupCountry(null!));
        Assert.Equal(0, database.LookupErrors);
    }

    [Fact]
    public void LookupCountry_ManyThreads_AllSeeTheSameAnswers()
    {
        using var database = Open("GeoIP2-City-Test.mmdb");
        var addresses = new[] { IPAddress.Parse("81.2.69.142"), IPAddress.Parse("2001:250::1"), IPAddress.Parse("214.1.1.1") };
        var expected = new[] { "GB", "CN", null };

        Parallel.For(0, 2000, i => Assert.Equal(expected[i % 3], database.LookupCountry(addresses[i % 3])));

        Assert.Equal(0, database.LookupErrors);
    }

    private static ICountryDatabase Open(string file)
    {
        var result = CountryDatabase.Open(GeoTestFiles.GeoIP(file));
        Assert.True(result.Succeeded, result.Error);
        return result.Database;
    }
}
