using EgressGuard.Tests.Common;

namespace EgressGuard.Geo.Tests;

/// <summary>Where the geo tests find their databases.</summary>
internal static class GeoTestFiles
{
    /// <summary>A file under <c>tests/data/geoip</c>.</summary>
    public static string GeoIP(string name) => RepositoryPaths.Data("geoip", name);

    /// <summary>A file under <c>tests/data/geoip/bad</c>.</summary>
    public static string Bad(string name) => RepositoryPaths.Data("geoip", "bad", name);

    /// <summary>The bundled default database, which appliance/fetch-geo.sh downloads (it is not committed).</summary>
    public static string DefaultDatabasePath => Path.Combine(RepositoryPaths.Root, "appliance", "geo", "geo-whois-asn-country.mmdb");

    /// <summary>The default database's path; fails the test with instructions when it has not been fetched.</summary>
    public static string RequireDefaultDatabase()
    {
        var path = DefaultDatabasePath;
        if (!File.Exists(path))
        {
            Assert.Fail($"The default country database {path} is missing: run appliance/fetch-geo.sh (needs npm) to fetch it.");
        }

        return path;
    }
}
