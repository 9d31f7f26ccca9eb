using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// Validates the certificates of upstream servers on intercepted connections: the name must match
/// (checked by <see cref="SslStream"/> against the host the client asked for), and the chain must
/// build to the system store or to a CA in <c>Tls:UpstreamTrust</c>, with revocation checked online
/// (an unreachable responder is tolerated, a revoked certificate is not). Anything else fails the
/// handshake, and the request is refused with <c>UpstreamCertificateInvalid</c> — never trusted silently.
/// </summary>
public sealed class UpstreamCertificateValidator
{
    private const X509VerificationFlags RevocationUnknownTolerated =
        X509VerificationFlags.IgnoreEndRevocationUnknown | X509VerificationFlags.IgnoreCertificateAuthorityRevocationUnknown
        | X509VerificationFlags.IgnoreRootRevocationUnknown | X509VerificationFlags.IgnoreCtlSignerRevocationUnknown;

    private readonly X509Certificate2Collection _extraRoots;
    private readonly ILogger _logger;
    private readonly TlsMetrics _metrics;

    /// <summary>Creates a validator trusting the system store plus <paramref name="extraRoots"/>.</summary>
    public UpstreamCertificateValidator(X509Certificate2Collection extraRoots, ILogger logger, TlsMetrics metrics)
    {
        _extraRoots = extraRoots;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>
    /// Reads the <c>Tls:UpstreamTrust</c> PEM files (each may hold several certificates). Errors come
    /// back as text naming the file.
    /// </summary>
    public static X509Certificate2Collection LoadTrust(IReadOnlyList<string> files, List<string> errors)
    {
        var collection = new X509Certificate2Collection();
        foreach (var file in files)
        {
            try
            {
                var before = collection.Count;
                collection.ImportFromPemFile(file);
                if (collection.Count == before)
                {
                    errors.Add($"Tls:UpstreamTrust: '{file}' holds no PEM certificate");
                }
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                errors.Add($"Tls:UpstreamTrust: cannot read '{file}': {e.Message}");
            }
        }

        return collection;
    }

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/> for upstream connections.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var target = sender switch
        {
            HttpRequestMessage request => request.Headers.Host ?? request.RequestUri?.Host ?? "?",
            SslStream stream => stream.TargetHostName,
            _ => "?",
        };

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return Refuse(target, "no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return Refuse(target, "the certificate does not name this host");
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var intermediates = new X509Certificate2Collection();
        if (chain is not null)
        {
            intermediates.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                intermediates.Add(element.Certificate);
            }
        }

        if (Build(leaf, intermediates, null, out var systemProblem))
        {
            return true;
        }

        if (_extraRoots.Count > 0 && Build(leaf, intermediates, _extraRoots, out _))
        {
            return true;
        }

        return Refuse(target, systemProblem);
    }

    private static bool Build(X509Certificate2 leaf, X509Certificate2Collection intermediates, X509Certificate2Collection? roots, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
        chain.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        chain.ChainPolicy.UrlRetrievalTimeout = TimeSpan.FromSeconds(5);
        chain.ChainPolicy.VerificationFlags = RevocationUnknownTolerated;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        if (roots is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (chain.Build(leaf))
        {
            problem = string.Empty;
            return true;
        }

        var statuses = new List<string>();
        foreach (var status in chain.ChainStatus)
        {
            statuses.Add(status.Status.ToString());
        }

        problem = "chain: " + string.Join(", ", statuses);
        return false;
    }

    private bool Refuse(string target, string problem)
    {
        _metrics.UpstreamCertificateInvalid();
        TlsLog.UpstreamCertificateRefused(_logger, target, problem);
        return false;
    }
}
