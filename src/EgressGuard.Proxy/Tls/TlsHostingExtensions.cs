using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Tls;

/// <summary>Registers TLS interception next to the proxy (call before the proxy's listeners are built).</summary>
public static class TlsHostingExtensions
{
    /// <summary>
    /// Registers the CA's certificate cache, the interception policy seam (from <c>Tls:Mode</c> and
    /// <c>Tls:Bypass</c> unless an <see cref="IInterceptionPolicy"/> is already registered), the
    /// interceptor and the upstream certificate validator.
    /// </summary>
    public static IServiceCollection AddEgressGuardTls(this IServiceCollection services, TlsSettings settings, CertificateAuthority ca, X509Certificate2Collection upstreamTrust)
    {
        services.AddMetrics();
        services.AddSingleton(settings);
        services.AddSingleton(ca);
        services.AddSingleton<TlsMetrics>();
        services.AddSingleton(sp => new LeafCertificateCache(ca, sp.GetRequiredService<TimeProvider>(), settings.CertificateCacheSize));
        if (!services.Any(d => d.ServiceType == typeof(IInterceptionPolicy)))
        {
            services.AddSingleton<IInterceptionPolicy>(sp => new ConfiguredInterceptionPolicy(settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<TlsMetrics>(), sp.GetService<EgressGuard.Policy.PolicyStore>()));
        }

        services.AddSingleton<TlsInterceptor>();
        services.AddSingleton(sp => new UpstreamCertificateValidator(
            upstreamTrust,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EgressGuard.Proxy.Tls"),
            sp.GetRequiredService<TlsMetrics>()));
        return services;
    }
}
