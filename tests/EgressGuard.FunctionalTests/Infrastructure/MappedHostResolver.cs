using System.Net;
using EgressGuard.Proxy.Flows;

namespace EgressGuard.FunctionalTests.Infrastructure;

/// <summary>
/// Resolves test host names to loopback addresses. A stand-in for DNS because this machine has no
/// resolver for arbitrary names and tests may not leave loopback; literal IPs and unknown names go
/// through the real path (unknown names do not resolve).
/// </summary>
internal sealed class MappedHostResolver(IReadOnlyDictionary<string, string> map) : IHostResolver
{
    public ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        ValueTask.FromResult(map.TryGetValue(host, out var address) ? new[] { IPAddress.Parse(address) } : []);
}
