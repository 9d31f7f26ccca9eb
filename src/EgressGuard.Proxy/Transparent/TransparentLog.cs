using System.Net;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Transparent;

/// <summary>Source-generated log messages of the transparent listener (event ids 1200–1299).</summary>
internal static partial class TransparentLog
{
    [LoggerMessage(1200, LogLevel.Warning, "Transparent listener: connection from {Client} to {Local} has no original destination (not redirected by the firewall); closed")]
    public static partial void NoOriginalDestination(ILogger logger, IPAddress client, EndPoint? local);
}
