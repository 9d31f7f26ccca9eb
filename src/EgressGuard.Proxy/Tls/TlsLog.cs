using System.Net;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Tls;

/// <summary>Source-generated log messages of TLS interception (event ids 1100–1199).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(1100, LogLevel.Warning, "Client {Client} refused the minted certificate for {Host} ({Problem}); its connections to {Host} are spliced (uninspected) for {Period}")]
    public static partial void ClientHandshakeFailed(ILogger logger, IPAddress client, string host, string problem, TimeSpan period);

    [LoggerMessage(1104, LogLevel.Debug, "Client {Client} broke off the TLS handshake for {Host} ({Failure}: {Problem}); interception stays on")]
    public static partial void ClientHandshakeAbandoned(ILogger logger, IPAddress client, string host, ClientHandshakeFailure failure, string problem);

    [LoggerMessage(1105, LogLevel.Warning, "Client {Client} opened a tunnel to {Host} but asked TLS for {ServerName}; handshake refused")]
    public static partial void SniMismatch(ILogger logger, IPAddress client, string host, string serverName);

    [LoggerMessage(1101, LogLevel.Debug, "Tunnel {Client} -> {Host}:{Port} spliced ({Why})")]
    public static partial void Spliced(ILogger logger, IPAddress client, string host, int port, string why);

    [LoggerMessage(1102, LogLevel.Warning, "Upstream certificate of {Host} refused: {Problem}")]
    public static partial void UpstreamCertificateRefused(ILogger logger, string host, string problem);

    [LoggerMessage(1103, LogLevel.Warning, "No certificate could be minted for {Host}; the tunnel is spliced")]
    public static partial void NoCertificate(ILogger logger, string host);
}
