using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Proxy.Flows;

/// <summary>The operating system's resolver (getaddrinfo).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    /// <inheritdoc />
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return [];
        }
        catch (ArgumentException)
        {
            return [];
        }
    }
}
