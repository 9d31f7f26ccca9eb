using System.Net;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// <see cref="IInterceptionPolicy"/> from the <c>Tls</c> section: <c>Mode</c> for every client,
/// <c>Bypass</c> hosts spliced, and hosts whose client refused our certificate spliced for
/// <c>SpliceAfterFailure</c>.
/// </summary>
public sealed class ConfiguredInterceptionPolicy : IInterceptionPolicy
{
    private const int MemoryCapacity = 100_000;
    private readonly TlsSettings _settings;
    private readonly HandshakeFailureMemory _failures;
    private readonly TlsMetrics _metrics;

    /// <summary>Creates the policy.</summary>
    public ConfiguredInterceptionPolicy(TlsSettings settings, TimeProvider time, TlsMetrics metrics)
    {
        _settings = settings;
        _metrics = metrics;
        _failures = new HandshakeFailureMemory(time, settings.SpliceAfterFailure, MemoryCapacity);
    }

    /// <inheritdoc />
    public InterceptionChoice Choose(IPAddress client, string host)
    {
        if (_settings.Mode != TlsMode.Intercept)
        {
            return InterceptionChoice.Tunnel;
        }

        if (_settings.Bypass.Matches(host))
        {
            return InterceptionChoice.Bypassed;
        }

        return _failures.IsRemembered(client, host) ? InterceptionChoice.Spliced : InterceptionChoice.Intercept;
    }

    /// <inheritdoc />
    public void HandshakeFailed(IPAddress client, string host)
    {
        if (!_failures.Remember(client, host))
        {
            _metrics.FailureMemoryFull();
        }
    }
}
