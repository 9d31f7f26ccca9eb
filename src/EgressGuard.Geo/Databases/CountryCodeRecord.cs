using MaxMind.Db;

namespace EgressGuard.Geo.Databases;

/// <summary>
/// A record of the <c>country_code</c> schema, <c>{"country_code":"CN"}</c>. Decoding into this
/// model (MaxMind.Db generates its activator at build time) skips any other keys without building a
/// dictionary.
/// </summary>
internal sealed class CountryCodeRecord
{
    /// <summary>The stored code, as stored (not yet checked or upper-cased).</summary>
    [MapKey("country_code")]
    public string? CountryCode { get; init; }
}
