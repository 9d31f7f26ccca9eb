namespace EgressGuard.Geo;

/// <summary>The record layout of a country database.</summary>
public enum GeoSchema
{
    /// <summary>
    /// MaxMind GeoIP2/GeoLite2 Country or City: the country is <c>country.iso_code</c>
    /// (<c>registered_country</c> is deliberately not used).
    /// </summary>
    GeoIP2,

    /// <summary>
    /// Records of the form <c>{"country_code":"CN"}</c>, as in the bundled ip-location-db
    /// <c>geo-whois-asn-country</c> database (database type <c>country ipvAll</c>).
    /// </summary>
    CountryCode,
}
