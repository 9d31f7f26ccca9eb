using System.Net;

namespace EgressGuard.Proxy.Configuration;

/// <summary>Validated, immutable listener and limit settings of the explicit proxy (<c>Proxy</c> section).</summary>
public sealed record ProxySettings
{
    /// <summary>Endpoints to listen on. Default <c>127.0.0.1:3128</c>.</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [new IPEndPoint(IPAddress.Loopback, 3128)];

    /// <summary>Largest request head (request line plus headers) accepted; larger gets 431. Default 16 KiB.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>Time a client has to send a complete request head; then the connection is closed. Default 10 s.</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A tunnel with no bytes either way for this long is closed. Default 5 min.</summary>
    public TimeSpan TunnelIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Open tunnels at most; further CONNECTs get 503. Default 10,000.</summary>
    public int MaxConcurrentTunnels { get; init; } = 10_000;

    /// <summary>Time to establish the TCP connection to an origin. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to resolve a destination name. Default 5 s.</summary>
    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A forwarded request with no upstream activity for this long fails with 504. Default 100 s.</summary>
    public TimeSpan UpstreamActivityTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Whether outbound HTTP content (URL, headers, body) is inspected for personal information
    /// (<c>Inspection:Enabled</c>, default true). Off: every outbound request needs a covering record,
    /// as an uninspected tunnel does.
    /// </summary>
    public bool InspectionEnabled { get; init; } = true;

    /// <summary>
    /// Request body bytes held before forwarding so a finding can still be refused cleanly
    /// (<c>Inspection:MaxHoldBytes</c>, default 1 MiB). Past it the body streams on while it is scanned,
    /// and a late finding stops the upstream request.
    /// </summary>
    public int MaxHoldBytes { get; init; } = 1024 * 1024;
}
