using System.Security.Cryptography.X509Certificates;
using EgressGuard.Configuration;
using EgressGuard.Proxy.Tls;

namespace EgressGuard.Hosting;

/// <summary>Loads (or at first start creates) the appliance CA and the upstream trust files, as values not exceptions.</summary>
public static class TlsBootstrap
{
    /// <summary>The CA and upstream trust, or errors naming the files.</summary>
    public sealed record Result(CertificateAuthority? Authority, X509Certificate2Collection Trust, IReadOnlyList<string> Errors);

    /// <summary>Loads what <paramref name="settings"/> names.</summary>
    public static Result Load(ApplianceSettings settings, TimeProvider time)
    {
        var errors = new List<string>();
        var ca = CertificateAuthority.LoadOrCreate(settings.Tls, settings.DataDirectory, time, out var caError);
        if (caError is not null)
        {
            errors.Add(caError);
        }

        var trust = UpstreamCertificateValidator.LoadTrust(settings.Tls.UpstreamTrust, errors);
        if (errors.Count > 0)
        {
            ca?.Dispose();
            return new Result(null, trust, errors);
        }

        return new Result(ca, trust, errors);
    }
}
