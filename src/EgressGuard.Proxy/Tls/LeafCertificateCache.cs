using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// Mints and caches the leaf certificates shown to intercepted clients: one per host (SAN = the DNS
/// name or IP address), ECDSA P-256, valid 7 days (renewed a day before expiry), signed by the
/// appliance CA and served as a ready <see cref="SslStreamCertificateContext"/> (chain built once).
/// All leaves share one key pair generated at start (as mitmproxy does): the key never leaves
/// memory, and minting costs one signature. The cache is bounded: when full, an eighth of the
/// entries are dropped (they are re-minted on demand). A lookup of a cached host takes no lock.
/// </summary>
public sealed class LeafCertificateCache : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(7);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(1);

    private readonly CertificateAuthority _ca;
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly ECDsa _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentDictionary<string, Lazy<Leaf?>> _leaves = new(StringComparer.Ordinal);
    private readonly X509Certificate2Collection _chain;
    private long _minted;

    /// <summary>Creates an empty cache.</summary>
    public LeafCertificateCache(CertificateAuthority ca, TimeProvider time, int capacity)
    {
        _ca = ca;
        _time = time;
        _capacity = Math.Max(1, capacity);
        _chain = [ca.PublicCertificate];
    }

    /// <summary>Certificates minted since start.</summary>
    public long Minted => Interlocked.Read(ref _minted);

    /// <summary>Certificates in the cache now.</summary>
    public int Count => _leaves.Count;

    /// <summary>The certificate context for <paramref name="host"/>, or null when no certificate can be made for it.</summary>
    public SslStreamCertificateContext? Get(string host)
    {
        var now = _time.GetUtcNow();
        if (_leaves.TryGetValue(host, out var cached) && cached.Value is { } leaf && leaf.RenewAfter > now)
        {
            return leaf.Context;
        }

        if (cached is not null)
        {
            _leaves.TryRemove(new KeyValuePair<string, Lazy<Leaf?>>(host, cached));
        }

        if (_leaves.Count >= _capacity)
        {
            Trim();
        }

        var created = _leaves.GetOrAdd(host, h => new Lazy<Leaf?>(() => Mint(h), LazyThreadSafetyMode.ExecutionAndPublication));
        var value = created.Value;
        if (value is null)
        {
            _leaves.TryRemove(new KeyValuePair<string, Lazy<Leaf?>>(host, created));
        }

        return value?.Context;
    }

    /// <summary>Drops every cached certificate (benchmarks measure a cold cache with it).</summary>
    public void Clear() => _leaves.Clear();

    /// <inheritdoc />
    public void Dispose()
    {
        _leaves.Clear();
        _leafKey.Dispose();
    }

    private void Trim()
    {
        var drop = Math.Max(1, _capacity / 8);
        foreach (var key in _leaves.Keys)
        {
            if (drop-- <= 0)
            {
                break;
            }

            _leaves.TryRemove(key, out _);
        }
    }

    private Leaf? Mint(string host)
    {
        try
        {
            var name = new X500DistinguishedNameBuilder();
            name.AddCommonName(host.Length <= 64 ? host : host[..64]);
            var request = new CertificateRequest(name.Build(), _leafKey, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            if (IPAddress.TryParse(host, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(host);
            }

            request.CertificateExtensions.Add(san.Build(critical: false));
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca.Certificate, true, false));

            var now = _time.GetUtcNow();
            var notAfter = now + Validity;
            if (notAfter > _ca.Certificate.NotAfter.ToUniversalTime())
            {
                notAfter = _ca.Certificate.NotAfter.ToUniversalTime();
            }

            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            using var unsigned = Sign(request, now.AddHours(-1), notAfter, serial);
            var withKey = unsigned.CopyWithPrivateKey(_leafKey);
            var context = SslStreamCertificateContext.Create(withKey, _chain, offline: true);
            Interlocked.Increment(ref _minted);
            return new Leaf(context, notAfter - RenewBefore);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private X509Certificate2 Sign(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] serial)
    {
        if (_ca.Certificate.GetECDsaPrivateKey() is { } ecdsa)
        {
            using (ecdsa)
            {
                return request.Create(_ca.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(ecdsa), notBefore, notAfter, serial);
            }
        }

        using var rsa = _ca.Certificate.GetRSAPrivateKey()!;
        return request.Create(_ca.Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1), notBefore, notAfter, serial);
    }

    private sealed record Leaf(SslStreamCertificateContext Context, DateTimeOffset RenewAfter);
}
