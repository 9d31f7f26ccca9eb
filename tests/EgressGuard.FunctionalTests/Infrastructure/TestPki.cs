using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EgressGuard.FunctionalTests.Infrastructure;

/// <summary>
/// A test CA that stands in for a public CA: origins get certificates from it (valid, expired, or
/// for another name), and the appliance trusts it through <c>Tls:UpstreamTrust</c>.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki(string directory)
    {
        var request = new CertificateRequest("CN=EgressGuard Test Origin CA, O=Tests", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1));
        PemPath = Path.Combine(directory, "test-origin-ca.pem");
        File.WriteAllText(PemPath, Certificate.ExportCertificatePem() + "\n");
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as a PEM file (for <c>Tls:UpstreamTrust</c> and curl's <c>--cacert</c>).</summary>
    public string PemPath { get; }

    /// <summary>A server certificate for <paramref name="dnsName"/> (and <paramref name="ip"/>), signed by this CA.</summary>
    public X509Certificate2 Issue(string dnsName, IPAddress? ip = null, bool expired = false, params string[] moreNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        foreach (var name in moreNames)
        {
            san.AddDnsName(name);
        }
        if (ip is not null)
        {
            san.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        var (from, to) = expired ? (now.AddDays(-20), now.AddDays(-10)) : (now.AddDays(-1), now.AddDays(30));
        using var issued = request.Create(Certificate, from, to, RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
