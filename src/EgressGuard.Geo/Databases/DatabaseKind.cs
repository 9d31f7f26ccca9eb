namespace EgressGuard.Geo.Databases;

/// <summary>The database types this library reads, which decide the schema and the reader call.</summary>
internal enum DatabaseKind
{
    /// <summary>GeoIP2/GeoLite2 Country: read with <c>DatabaseReader.TryCountry</c>.</summary>
    GeoIP2Country,

    /// <summary>GeoIP2/GeoLite2 City: read with <c>DatabaseReader.TryCity</c>.</summary>
    GeoIP2City,

    /// <summary>The <c>country_code</c> schema (ip-location-db <c>country …</c> databases).</summary>
    CountryCode,
}
