using System.Net;
using EgressGuard.Policy.Decisions;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Telemetry;

/// <summary>Log lines of the ledger fail-mode gate (event ids 1050–1059).</summary>
internal static partial class LedgerGateLog
{
    [LoggerMessage(1050, LogLevel.Error, "Ledger unavailable (FailMode Closed): refused {Client} -> {Host}, ref {Reference}")]
    public static partial void RefusedClosed(ILogger logger, IPAddress client, string host, Guid reference);

    [LoggerMessage(1051, LogLevel.Error, "Ledger unavailable (FailMode Open): allowed {Client} -> {Host} anyway, ref {Reference}")]
    public static partial void AllowedOpen(ILogger logger, IPAddress client, string host, Guid reference);

    [LoggerMessage(1052, LogLevel.Critical, "UNRECORDED transfer ({Decision} {Reason}) {Client} -> {Host}, ref {Reference}: the ledger queue is full or the ledger refuses writes")]
    public static partial void Unrecorded(ILogger logger, TransferVerdict decision, ReasonCode reason, string client, string host, Guid reference);
}
