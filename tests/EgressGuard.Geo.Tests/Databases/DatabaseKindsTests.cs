using EgressGuard.Geo.Databases;

namespace EgressGuard.Geo.Tests.Databases;

public sealed class DatabaseKindsTests
{
    [Theory]
    [InlineData("GeoIP2-Country", nameof(DatabaseKind.GeoIP2Country))]
    [InlineData("GeoLite2-Country", nameof(DatabaseKind.GeoIP2Country))]
    [InlineData("GeoIP2-City", nameof(DatabaseKind.GeoIP2City))]
    [InlineData("GeoLite2-City", nameof(DatabaseKind.GeoIP2City))]
    [InlineData("GeoIP2-City-Europe", nameof(DatabaseKind.GeoIP2City))]
    [InlineData("country ipvAll", nameof(DatabaseKind.CountryCode))]
    [InlineData("country ipv4", nameof(DatabaseKind.CountryCode))]
    [InlineData("country", nameof(DatabaseKind.CountryCode))]
    public void TryClassify_CountryBearingType_IsAccepted(string databaseType, string kind)
    {
        Assert.True(DatabaseKinds.TryClassify(databaseType, out var classified, out var error), error);
        Assert.Equal(kind, classified.ToString());
    }

    [Theory]
    [InlineData("GeoLite2-ASN")]
    [InlineData("GeoIP2-ISP")]
    [InlineData("GeoIP2-Anonymous-IP")]
    [InlineData("GeoIP2-Enterprise")]
    [InlineData("GeoIP2-CityX")]
    [InlineData("GeoIP2-Country2")]
    [InlineData("asn ipvAll")]
    [InlineData("city ipvAll")]
    [InlineData("countryside")]
    [InlineData("Country ipvAll")]
    [InlineData("DBIP-Country-Lite")]
    [InlineData("Test")]
    public void TryClassify_TypeWithoutCountryData_IsRefusedNamingTheType(string databaseType)
    {
        Assert.False(DatabaseKinds.TryClassify(databaseType, out _, out var error));
        Assert.StartsWith($"database type '{databaseType}' has no country data", error, StringComparison.Ordinal);
    }
}
