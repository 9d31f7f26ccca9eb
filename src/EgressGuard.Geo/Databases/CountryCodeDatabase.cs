using System.Net;
using MaxMind.Db;

namespace EgressGuard.Geo.Databases;

/// <summary>A database of the <c>country_code</c> schema, read through MaxMind.Db's <see cref="Reader"/>.</summary>
internal sealed class CountryCodeDatabase : MmdbCountryDatabase
{
    private readonly Reader _reader;

    /// <summary>Wraps <paramref name="reader"/>.</summary>
    public CountryCodeDatabase(GeoDatabaseInfo info, Reader reader, bool ipv4Only)
        : base(info, ipv4Only)
    {
        _reader = reader;
    }

    /// <inheritdoc />
    protected override string? FindIsoCode(IPAddress address) => _reader.Find<CountryCodeRecord>(address)?.CountryCode;

    /// <inheritdoc />
    protected override void DisposeReader() => _reader.Dispose();
}
