using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Geo.Databases;

/// <summary>
/// What both schemas share: address normalisation, the never-throw contract and the error counter.
/// A subclass only decodes the country of an already-normalised address.
/// </summary>
internal abstract class MmdbCountryDatabase : ICountryDatabase
{
    private readonly bool _ipv4Only;
    private long _lookupErrors;
    private volatile bool _disposed;

    /// <summary>Wraps an opened reader described by <paramref name="info"/>.</summary>
    /// <param name="info">Facts about the file.</param>
    /// <param name="ipv4Only">The database's <c>ip_version</c> is 4: IPv6 addresses are not in it.</param>
    protected MmdbCountryDatabase(GeoDatabaseInfo info, bool ipv4Only)
    {
        Info = info;
        _ipv4Only = ipv4Only;
    }

    /// <inheritdoc />
    public GeoDatabaseInfo Info { get; }

    /// <inheritdoc />
    public long LookupErrors => Interlocked.Read(ref _lookupErrors);

    /// <inheritdoc />
    public string? LookupCountry(IPAddress address)
    {
        if (_disposed || address is null)
        {
            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                // Not every database aliases ::ffff:0:0/96 onto the IPv4 tree (the bundled one does not).
                address = address.MapToIPv4();
            }
            else if (_ipv4Only)
            {
                // The MaxMind reader throws for this; it is an expected miss, not a database error.
                return null;
            }
        }
        else if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        try
        {
            return CountryCodes.Normalize(FindIsoCode(address));
        }
        catch (Exception)
        {
            // Open verified the file, so this is a defect it did not foresee, or a lookup racing
            // Dispose. Either way the address's country is unknown, which callers treat as outbound.
            Interlocked.Increment(ref _lookupErrors);
            return null;
        }
    }

    /// <summary>
    /// Decodes the record <paramref name="address"/> leads to exactly as a lookup would, reporting
    /// the reader's exception instead of counting it. Used at open on one address per record.
    /// </summary>
    public bool TryDecodeRecord(IPAddress address, [NotNullWhen(false)] out string? error)
    {
        try
        {
            _ = FindIsoCode(address);
            error = null;
            return true;
        }
        catch (Exception ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeReader();
    }

    /// <summary>The raw country code stored for <paramref name="address"/> (IPv4, or IPv6 the database covers), or <see langword="null"/>.</summary>
    protected abstract string? FindIsoCode(IPAddress address);

    /// <summary>Releases the underlying reader.</summary>
    protected abstract void DisposeReader();
}
