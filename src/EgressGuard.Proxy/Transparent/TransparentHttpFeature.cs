using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace EgressGuard.Proxy.Transparent;

/// <summary>A plain HTTP connection that reached the box through the firewall, and where it was really going.</summary>
public sealed class TransparentHttpFeature
{
    /// <summary>Creates the feature.</summary>
    public TransparentHttpFeature(IPEndPoint originalDestination)
    {
        OriginalDestination = originalDestination;
    }

    /// <summary>The address and port the client connected to before the redirect.</summary>
    public IPEndPoint OriginalDestination { get; }

    /// <summary>The address that may be dialled.</summary>
    public IPAddress Destination => OriginalDestination.Address;

    /// <summary>
    /// The host to decide on (the Host header, verified against the destination by the decider; the
    /// address when there is none), the port (always the original one) and the authority to send.
    /// </summary>
    public (string Host, int Port, string Authority) Target(HttpRequest request)
    {
        var port = OriginalDestination.Port;
        var host = request.Host.HasValue ? request.Host.Host.Trim('[', ']') : Destination.ToString();
        var authority = request.Host.HasValue ? request.Host.Value : Destination + (port == 80 ? string.Empty : ":" + port.ToString(CultureInfo.InvariantCulture));
        return (host, port, authority);
    }
}
