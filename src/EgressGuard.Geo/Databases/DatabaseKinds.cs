using System.Diagnostics.CodeAnalysis;

namespace EgressGuard.Geo.Databases;

/// <summary>Decides from the metadata <c>database_type</c> whether and how a database can give countries.</summary>
internal static class DatabaseKinds
{
    /// <summary>
    /// Classifies <paramref name="databaseType"/>:
    /// <c>GeoIP2-Country</c>, <c>GeoLite2-Country</c> (and <c>…-Country-*</c> variants) → Country;
    /// <c>GeoIP2-City</c>, <c>GeoLite2-City</c> (and regional <c>…-City-*</c> editions) → City;
    /// <c>country</c> or <c>country *</c> (ip-location-db, e.g. <c>country ipvAll</c>) → country_code.
    /// Anything else — ASN, ISP, Anonymous-IP, Enterprise, other vendors — is refused.
    /// </summary>
    public static bool TryClassify(string databaseType, out DatabaseKind kind, [NotNullWhen(false)] out string? error)
    {
        var edition = databaseType.StartsWith("GeoIP2-", StringComparison.Ordinal) ? databaseType["GeoIP2-".Length..]
            : databaseType.StartsWith("GeoLite2-", StringComparison.Ordinal) ? databaseType["GeoLite2-".Length..]
            : null;
        if (edition is not null)
        {
            if (IsEdition(edition, "Country"))
            {
                kind = DatabaseKind.GeoIP2Country;
                error = null;
                return true;
            }

            if (IsEdition(edition, "City"))
            {
                kind = DatabaseKind.GeoIP2City;
                error = null;
                return true;
            }
        }
        else if (databaseType.Equals("country", StringComparison.Ordinal) || databaseType.StartsWith("country ", StringComparison.Ordinal))
        {
            kind = DatabaseKind.CountryCode;
            error = null;
            return true;
        }

        kind = default;
        error = $"database type '{databaseType}' has no country data this reader understands; use a GeoIP2/GeoLite2 Country or City database, or a country_code database such as the bundled geo-whois-asn-country.mmdb";
        return false;
    }

    private static bool IsEdition(string edition, string name) =>
        edition.Equals(name, StringComparison.Ordinal)
        || (edition.StartsWith(name, StringComparison.Ordinal) && edition.Length > name.Length && edition[name.Length] == '-');
}
