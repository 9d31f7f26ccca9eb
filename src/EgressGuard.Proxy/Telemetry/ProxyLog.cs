using System.Net;
using EgressGuard.Policy.Decisions;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Telemetry;

/// <summary>Source-generated log messages of the proxy (event ids 1000–1099).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(1000, LogLevel.Information, "Transfer {Verdict} {Reason}: {Client} -> {Host}:{Port} ({Country}) ref {Reference}")]
    public static partial void NotAllowed(ILogger logger, TransferVerdict verdict, ReasonCode reason, string client, string host, int port, string? country, Guid reference);

    [LoggerMessage(1007, LogLevel.Debug, "Transfer {Verdict} {Reason}: {Client} -> {Host}:{Port} ({Country}) ref {Reference}")]
    public static partial void Allowed(ILogger logger, TransferVerdict verdict, ReasonCode reason, string client, string host, int port, string? country, Guid reference);

    [LoggerMessage(1001, LogLevel.Debug, "Bad request head from {Client}: {Problem}")]
    public static partial void BadRequestHead(ILogger logger, EndPoint? client, string problem);

    [LoggerMessage(1002, LogLevel.Warning, "Upstream {Host}:{Port} failed for ref {Reference}: {Error}")]
    public static partial void UpstreamFailed(ILogger logger, string host, int port, Guid reference, string error);

    [LoggerMessage(1003, LogLevel.Warning, "Tunnel cap of {Cap} reached; refused {Client} -> {Host}:{Port}")]
    public static partial void TunnelCapReached(ILogger logger, int cap, IPAddress client, string host, int port);

    [LoggerMessage(1004, LogLevel.Debug, "Tunnel ref {Reference} closed after {Up} bytes up, {Down} bytes down ({Why})")]
    public static partial void TunnelClosed(ILogger logger, Guid reference, long up, long down, string why);

    [LoggerMessage(1005, LogLevel.Error, "Could not write the transfer record ref {Reference}")]
    public static partial void LedgerWriteFailed(ILogger logger, Guid reference, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Refused client {Client}: not in Proxy.AllowedClients")]
    public static partial void ClientRefused(ILogger logger, IPAddress client);
}
