using System.Net;
using EgressGuard.Policy;
using EgressGuard.Policy.SourceGroups;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// <see cref="IInterceptionPolicy"/>: the client's source group (<c>SourceGroups[].Tls</c>) or, for a client in
/// no group, <c>Tls:Mode</c>;
/// <c>Bypass</c> hosts spliced, and hosts whose client refused our certificate spliced for
/// <c>SpliceAfterFailure</c>.
/// </summary>
public sealed class ConfiguredInterceptionPolicy : IInterceptionPolicy
{
    private const int MemoryCapacity = 100_000;
    private readonly TlsSettings _settings;
    private readonly HandshakeFailureMemory _failures;
    private readonly TlsMetrics _metrics;
    private readonly PolicyStore? _policy;

    /// <summary>Creates the policy.</summary>
    public ConfiguredInterceptionPolicy(TlsSettings settings, TimeProvider time, TlsMetrics metrics, PolicyStore? policy = null)
    {
        _settings = settings;
        _policy = policy;
        _metrics = metrics;
        _failures = new HandshakeFailureMemory(time, settings.SpliceAfterFailure, MemoryCapacity);
    }

    /// <inheritdoc />
    public InterceptionChoice Choose(IPAddress client, string host)
    {
        // A client's source group decides (SourceGroups[].Tls, hot-reloaded with the policy snapshot);
        // a client in no group follows Tls:Mode.
        var intercept = _policy?.Current.SourceGroups.Find(client) is { } group
            ? group.Tls == TlsHandling.Intercept
            : _settings.Mode == TlsMode.Intercept;
        if (!intercept)
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
