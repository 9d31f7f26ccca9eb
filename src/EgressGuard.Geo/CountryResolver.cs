using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using EgressGuard.Geo.Overrides;

namespace EgressGuard.Geo;

/// <summary>
/// The country of an address: the administrator's overrides first (longest prefix wins, ties go to
/// the one listed first), then the database, else unknown. Immutable once built, so any number of
/// threads may call <see cref="Resolve"/> without locks; to change overrides or the database, build a
/// new resolver and publish it.
/// </summary>
public sealed class CountryResolver
{
    private readonly ICountryDatabase _database;
    private readonly OverrideTable _overrides;

    /// <summary>Builds a resolver over <paramref name="database"/> with <paramref name="overrides"/>.</summary>
    /// <param name="database">The country database; the resolver does not own or dispose it.</param>
    /// <param name="overrides">
    /// Admin overrides; between equal prefixes the one listed first wins. An IPv4-mapped network
    /// (<c>::ffff:a.b.c.d/n</c>, n ≥ 96) is treated as the IPv4 network it maps.
    /// </param>
    /// <exception cref="ArgumentException">An override's country is not two ASCII letters, or its network is unset.</exception>
    public CountryResolver(ICountryDatabase database, IEnumerable<GeoOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(overrides);
        _database = database;
        _overrides = OverrideTable.Create(overrides);
    }

    /// <summary>Facts about the database in use (its build date goes into every transfer record).</summary>
    public GeoDatabaseInfo Database => _database.Info;

    /// <summary>
    /// The country of <paramref name="address"/>. IPv4-mapped IPv6 addresses are treated as the IPv4
    /// address they carry. Never throws; matching overrides allocates nothing.
    /// </summary>
    public CountryLookup Resolve(IPAddress address)
    {
        if (address is null)
        {
            return default;
        }

        Span<byte> bytes = stackalloc byte[16];
        string? country;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            _ = address.TryWriteBytes(bytes, out _);
            country = _overrides.Match(BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _ = address.TryWriteBytes(bytes, out _);
            country = address.IsIPv4MappedToIPv6
                ? _overrides.Match(BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]))
                : _overrides.Match(BinaryPrimitives.ReadUInt128BigEndian(bytes));
        }
        else
        {
            return default;
        }

        if (country is not null)
        {
            return new CountryLookup(country, CountrySource.Override);
        }

        // The database unmaps IPv4-mapped addresses itself.
        country = _database.LookupCountry(address);
        return country is null ? default : new CountryLookup(country, CountrySource.Database);
    }
}
