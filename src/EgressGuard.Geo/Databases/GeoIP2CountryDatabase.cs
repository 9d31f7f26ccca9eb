using System.Net;
using MaxMind.GeoIP2;
using MaxMind.GeoIP2.Responses;

namespace EgressGuard.Geo.Databases;

/// <summary>
/// A MaxMind GeoIP2/GeoLite2 Country or City database, read through MaxMind.GeoIP2's
/// <see cref="DatabaseReader"/>. The country is <c>country.iso_code</c> only: an address whose record
/// has no <c>country</c> (only a <c>registered_country</c>, say) is unknown, because where a block is
/// registered says nothing about where the host is.
/// </summary>
internal sealed class GeoIP2CountryDatabase : MmdbCountryDatabase
{
    private readonly DatabaseReader _reader;
    private readonly bool _isCity;

    /// <summary>Wraps <paramref name="reader"/>; <paramref name="isCity"/> selects City rather than Country lookups.</summary>
    public GeoIP2CountryDatabase(GeoDatabaseInfo info, DatabaseReader reader, bool isCity, bool ipv4Only)
        : base(info, ipv4Only)
    {
        _reader = reader;
        _isCity = isCity;
    }

    /// <inheritdoc />
    protected override string? FindIsoCode(IPAddress address)
    {
        // DatabaseReader refuses Country() on a City database (and the reverse) by database type.
        AbstractCountryResponse? response = _isCity
            ? (_reader.TryCity(address, out var city) ? city : null)
            : (_reader.TryCountry(address, out var country) ? country : null);
        return response?.Country.IsoCode;
    }

    /// <inheritdoc />
    protected override void DisposeReader() => _reader.Dispose();
}
