using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// The appliance CA that signs the certificates shown to intercepted clients. Generated at first
/// start (ECDSA P-256, 10 years) as <c>{DataDirectory}/tls/ca.crt</c> with its key in
/// <c>{DataDirectory}/secrets/tls-ca.key</c> (mode 0600), or imported from <c>Tls:CaCertificate</c>
/// and <c>Tls:CaKey</c>. A key file readable or writable by other users is refused: whoever holds
/// this key can impersonate every site to every client that trusts the CA.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate, string certificatePath)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        PublicCertificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate without its key (sent in the chain to clients).</summary>
    public X509Certificate2 PublicCertificate { get; }

    /// <summary>Where the CA certificate lives on disk.</summary>
    public string CertificatePath { get; }

    /// <summary>The CA certificate in PEM, for client trust stores (<c>egressguard ca export</c>).</summary>
    public string ExportPem() => Certificate.ExportCertificatePem() + "\n";

    /// <summary>
    /// Loads the configured or generated CA, generating it when neither exists. Errors come back as
    /// text (never an exception), each naming the file.
    /// </summary>
    public static CertificateAuthority? LoadOrCreate(TlsSettings settings, string dataDirectory, TimeProvider time, out string? error)
    {
        if (settings.CaCertificate is not null || settings.CaKey is not null)
        {
            if (settings.CaCertificate is null || settings.CaKey is null)
            {
                error = "Tls: CaCertificate and CaKey must be given together";
                return null;
            }

            return Load(settings.CaCertificate, settings.CaKey, time, out error);
        }

        var certificatePath = Path.Combine(dataDirectory, "tls", "ca.crt");
        var keyPath = Path.Combine(dataDirectory, "secrets", "tls-ca.key");
        if (File.Exists(certificatePath) || File.Exists(keyPath))
        {
            return Load(certificatePath, keyPath, time, out error);
        }

        return Create(certificatePath, keyPath, time, out error);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        PublicCertificate.Dispose();
    }

    private static CertificateAuthority? Load(string certificatePath, string keyPath, TimeProvider time, out string? error)
    {
        try
        {
            if (!File.Exists(certificatePath))
            {
                error = $"Tls: CA certificate '{certificatePath}' not found";
                return null;
            }

            if (!File.Exists(keyPath))
            {
                error = $"Tls: CA key '{keyPath}' not found";
                return null;
            }

            if (!OperatingSystem.IsWindows())
            {
                const UnixFileMode Loose = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;
                var mode = File.GetUnixFileMode(keyPath);
                if ((mode & Loose) != 0)
                {
                    error = $"Tls: CA key '{keyPath}' is accessible by other users (mode {Convert.ToString((int)mode, 8)}); chmod 600 it";
                    return null;
                }
            }

            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (!IsCa(certificate, out var problem))
            {
                certificate.Dispose();
                error = $"Tls: '{certificatePath}' {problem}";
                return null;
            }

            var now = time.GetUtcNow();
            if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime || certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            {
                certificate.Dispose();
                error = $"Tls: CA certificate '{certificatePath}' is not valid now (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})";
                return null;
            }

            error = null;
            return new CertificateAuthority(certificate, certificatePath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"Tls: cannot load the CA from '{certificatePath}' and '{keyPath}': {e.Message}";
            return null;
        }
    }

    private static bool IsCa(X509Certificate2 certificate, out string problem)
    {
        problem = string.Empty;
        if (certificate.GetECDsaPrivateKey() is null && certificate.GetRSAPrivateKey() is null)
        {
            problem = "has no ECDSA or RSA private key";
            return false;
        }

        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509BasicConstraintsExtension basic)
            {
                if (!basic.CertificateAuthority)
                {
                    problem = "is not a CA certificate (basicConstraints CA:FALSE)";
                    return false;
                }

                return true;
            }
        }

        problem = "is not a CA certificate (no basicConstraints)";
        return false;
    }

    private static CertificateAuthority? Create(string certificatePath, string keyPath, TimeProvider time, out string? error)
    {
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var name = new X500DistinguishedNameBuilder();
            name.AddOrganizationName("EgressGuard");
            name.AddCommonName("EgressGuard Appliance CA " + Environment.MachineName + " " + time.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));
            var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            var now = time.GetUtcNow();
            using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

            CreatePrivateDirectory(Path.GetDirectoryName(keyPath)!);
            Directory.CreateDirectory(Path.GetDirectoryName(certificatePath)!);
            var keyOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(keyPath, keyOptions))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
                writer.Write('\n');
            }

            var temp = certificatePath + ".tmp";
            File.WriteAllText(temp, created.ExportCertificatePem() + "\n");
            File.Move(temp, certificatePath, overwrite: false);
            error = null;
            return new CertificateAuthority(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), certificatePath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            error = $"Tls: cannot create the appliance CA in '{Path.GetDirectoryName(certificatePath)}': {e.Message}";
            return null;
        }
    }

    private static void CreatePrivateDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
