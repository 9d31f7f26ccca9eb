using System.Diagnostics.Metrics;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Proxy.Telemetry;

/// <summary>Proxy instruments, OpenTelemetry-style names (meter <c>EgressGuard.Proxy</c>).</summary>
public sealed class ProxyMetrics
{
    /// <summary>The meter name, for listeners and exporters.</summary>
    public const string MeterName = "EgressGuard.Proxy";

    private readonly Counter<long> _transfers;
    private readonly UpDownCounter<long> _activeTunnels;
    private readonly Counter<long> _tunnelBytes;
    private readonly Counter<long> _badRequests;

    /// <summary>Creates the instruments from the host's meter factory.</summary>
    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _transfers = meter.CreateCounter<long>("egressguard.proxy.transfers", "{transfer}", "Transfers decided, by kind and decision.");
        _activeTunnels = meter.CreateUpDownCounter<long>("egressguard.proxy.active_tunnels", "{tunnel}", "CONNECT tunnels open now.");
        _tunnelBytes = meter.CreateCounter<long>("egressguard.proxy.tunnel.bytes", "By", "Bytes relayed through tunnels, by direction.");
        _badRequests = meter.CreateCounter<long>("egressguard.proxy.bad_requests", "{request}", "Malformed, oversized or timed-out request heads.");
    }

    /// <summary>Counts one decided transfer.</summary>
    public void Transfer(TransferKind kind, TransferVerdict verdict)
    {
        if (_transfers.Enabled)
        {
            _transfers.Add(1, new KeyValuePair<string, object?>("kind", kind == TransferKind.Http ? "http" : "tunnel"),
                new KeyValuePair<string, object?>("decision", VerdictTag(verdict)));
        }
    }

    /// <summary>Tracks tunnel open/close.</summary>
    public void TunnelOpened() => _activeTunnels.Add(1);

    /// <summary>Tracks tunnel open/close.</summary>
    public void TunnelClosed(long bytesUp, long bytesDown)
    {
        _activeTunnels.Add(-1);
        if (_tunnelBytes.Enabled)
        {
            _tunnelBytes.Add(bytesUp, new KeyValuePair<string, object?>("direction", "up"));
            _tunnelBytes.Add(bytesDown, new KeyValuePair<string, object?>("direction", "down"));
        }
    }

    /// <summary>Counts a refused request head.</summary>
    public void BadRequest() => _badRequests.Add(1);

    private static string VerdictTag(TransferVerdict verdict) => verdict switch
    {
        TransferVerdict.Allow => "allow",
        TransferVerdict.Block => "block",
        TransferVerdict.Report => "report",
        _ => "failed",
    };
}
