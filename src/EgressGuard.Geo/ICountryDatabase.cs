using System.Net;

namespace EgressGuard.Geo;

/// <summary>
/// An open mmdb country database. Thread-safe. Opened by <see cref="CountryDatabase.Open"/>, which
/// verifies the whole file first, so lookups on a database that opened do not fail in practice.
/// </summary>
/// <remarks>
/// Dispose a database only once no lookup can still be running on it (after the resolver that uses
/// it has been replaced and in-flight flows have finished): disposing unmaps the reader's memory,
/// and a lookup racing that unmapping can fault the process. A lookup that starts after
/// <see cref="IDisposable.Dispose"/> returns <see langword="null"/>.
/// </remarks>
public interface ICountryDatabase : IDisposable
{
    /// <summary>Facts about the database file.</summary>
    GeoDatabaseInfo Info { get; }

    /// <summary>
    /// Number of lookups that failed on an error inside the database (a corrupt node or record) and
    /// returned <see langword="null"/>.
    /// </summary>
    long LookupErrors { get; }

    /// <summary>
    /// The country of <paramref name="address"/>: an interned upper-case ISO 3166-1 alpha-2 code, or
    /// <see langword="null"/> when the database has no country for it (or the stored value is not two
    /// ASCII letters). IPv4-mapped IPv6 addresses are looked up as IPv4. Never throws: an error found
    /// during the lookup returns <see langword="null"/> and is counted in <see cref="LookupErrors"/>.
    /// </summary>
    string? LookupCountry(IPAddress address);
}
