using System.Net;
using EgressGuard.Geo.Databases;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace EgressGuard.Geo.Tests.Databases;

/// <summary>
/// The never-throw contract of a lookup, on databases Open would have refused: these tests wrap the
/// MaxMind readers directly around the broken MaxMind files to reach the errors a lookup can meet.
/// </summary>
public sealed class LookupErrorTests
{
    [Theory]
    [InlineData("GeoIP2-City-Test-Broken-Double-Format.mmdb", "175.16.199.1")]
    [InlineData("GeoIP2-City-Test-Broken-Double-Format.mmdb", "2001:250::1")]
    [InlineData("GeoIP2-City-Test-Invalid-Node-Count.mmdb", "1.1.1.1")]
    [InlineData("GeoIP2-City-Test-Invalid-Node-Count.mmdb", "81.2.69.142")]
    public void LookupCountry_CorruptRecordOrNode_ReturnsNullAndCountsTheError(string file, string address)
    {
        using var database = OpenUnverified(file);

        var country = database.LookupCountry(IPAddress.Parse(address));
        var again = database.LookupCountry(IPAddress.Parse(address));

        Assert.Null(country);
        Assert.Null(again);
        Assert.Equal(2, database.LookupErrors);
    }

    [Fact]
    public void LookupCountry_SoundPartOfCorruptDatabase_StillAnswers()
    {
        using var database = OpenUnverified("GeoIP2-City-Test-Broken-Double-Format.mmdb");

        Assert.Null(database.LookupCountry(IPAddress.Parse("1.1.1.1")));
        Assert.Equal(0, database.LookupErrors);
    }

    [Fact]
    public void TryDecodeRecord_CorruptRecord_ReportsTheReaderMessage()
    {
        using var database = OpenUnverified("GeoIP2-City-Test-Broken-Double-Format.mmdb");

        Assert.False(database.TryDecodeRecord(IPAddress.Parse("175.16.199.1"), out var error));
        Assert.Contains("double", error, StringComparison.Ordinal);
        Assert.Equal(0, database.LookupErrors);
    }

    [Fact]
    public void LookupCountry_Ipv6InIpv4OnlyDatabase_ReturnsNullWithoutCountingAnError()
    {
        var info = new GeoDatabaseInfo("x", "GeoIP2-City", GeoSchema.GeoIP2, DateTimeOffset.UnixEpoch, 0);
        using var database = new GeoIP2CountryDatabase(info, new DatabaseReader(GeoTestFiles.GeoIP("GeoIP2-City-Test.mmdb"), FileAccessMode.Memory), isCity: true, ipv4Only: true);

        Assert.Null(database.LookupCountry(IPAddress.Parse("2001:250::1")));
        Assert.Equal("CN", database.LookupCountry(IPAddress.Parse("::ffff:175.16.199.1")));
        Assert.Equal(0, database.LookupErrors);
    }

    private static GeoIP2CountryDatabase OpenUnverified(string file)
    {
        var info = new GeoDatabaseInfo(file, "GeoIP2-City", GeoSchema.GeoIP2, DateTimeOffset.UnixEpoch, 0);
        return new GeoIP2CountryDatabase(info, new DatabaseReader(GeoTestFiles.GeoIP(file), FileAccessMode.Memory), isCity: true, ipv4Only: false);
    }
}
