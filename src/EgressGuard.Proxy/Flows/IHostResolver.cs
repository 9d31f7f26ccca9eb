using System.Net;

namespace EgressGuard.Proxy.Flows;

/// <summary>Resolves a destination name once per flow; the proxy then dials only the address it decided on.</summary>
public interface IHostResolver
{
    /// <summary>The addresses of <paramref name="host"/>, or an empty array when it does not resolve.</summary>
    ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
