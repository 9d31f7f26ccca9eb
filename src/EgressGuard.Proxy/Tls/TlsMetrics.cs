using System.Diagnostics.Metrics;

namespace EgressGuard.Proxy.Tls;

/// <summary>TLS interception instruments (meter <c>EgressGuard.Proxy.Tls</c>).</summary>
public sealed class TlsMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "EgressGuard.Proxy.Tls";

    private readonly Counter<long> _intercepted;
    private readonly Counter<long> _spliced;
    private readonly Counter<long> _handshakeFailures;
    private readonly Counter<long> _memoryFull;
    private readonly Counter<long> _upstreamInvalid;

    /// <summary>Creates the instruments.</summary>
    public TlsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _intercepted = meter.CreateCounter<long>("egressguard.tls.intercepted", "{connection}", "Client TLS connections terminated with a minted certificate.");
        _spliced = meter.CreateCounter<long>("egressguard.tls.spliced", "{connection}", "Tunnels spliced instead of intercepted, by reason (bypassed, handshake_failed, no_certificate).");
        _handshakeFailures = meter.CreateCounter<long>("egressguard.tls.client_handshake_failures", "{handshake}", "Client handshakes with a minted certificate that failed, by outcome (certificate_refused, abandoned, timed_out, sni_mismatch).");
        _memoryFull = meter.CreateCounter<long>("egressguard.tls.failure_memory_full", "{event}", "Handshake failures not remembered because the memory was full.");
        _upstreamInvalid = meter.CreateCounter<long>("egressguard.tls.upstream_certificate_invalid", "{request}", "Requests refused because the upstream certificate did not validate.");
    }

    /// <summary>Counts an interception.</summary>
    public void Intercepted() => _intercepted.Add(1);

    /// <summary>Counts a splice.</summary>
    public void Spliced(string reason)
    {
        if (_spliced.Enabled)
        {
            _spliced.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <summary>Counts a failed client handshake, by outcome (certificate_refused, abandoned, timed_out, sni_mismatch).</summary>
    public void HandshakeFailed(ClientHandshakeFailure failure)
    {
        if (_handshakeFailures.Enabled)
        {
            _handshakeFailures.Add(1, new KeyValuePair<string, object?>("outcome", failure switch
            {
                ClientHandshakeFailure.CertificateRefused => "certificate_refused",
                ClientHandshakeFailure.TimedOut => "timed_out",
                ClientHandshakeFailure.SniMismatch => "sni_mismatch",
                _ => "abandoned",
            }));
        }
    }

    /// <summary>Counts a failure that could not be remembered.</summary>
    public void FailureMemoryFull() => _memoryFull.Add(1);

    /// <summary>Counts a refused upstream certificate.</summary>
    public void UpstreamCertificateInvalid() => _upstreamInvalid.Add(1);
}
