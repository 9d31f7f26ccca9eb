using System.Globalization;
using System.Security.Authentication;
using EgressGuard.Policy.Networks;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace EgressGuard.Proxy.Tls;

/// <summary>Facts about a request that arrived inside an intercepted tunnel.</summary>
public static class InterceptedRequest
{
    /// <summary>
    /// The destination of a request inside an intercepted tunnel: the CONNECT host and port. The
    /// request's Host (<c>:authority</c> in HTTP/2) must name the same host, so a client cannot
    /// reach a second destination through a tunnel decided for the first (domain fronting).
    /// </summary>
    public static bool TryGetTarget(InterceptedTlsFeature tunnel, HttpRequest request, out string host, out int port, out string authority, out string problem)
    {
        host = tunnel.Host;
        port = tunnel.Port;
        authority = port == 443 ? HostForHeader(host) : HostForHeader(host) + ":" + port.ToString(CultureInfo.InvariantCulture);
        problem = string.Empty;
        var requested = request.Host;
        if (!requested.HasValue)
        {
            return true;
        }

        var requestedHost = HostName.Normalize(requested.Host.Trim('[', ']'));
        if (!string.Equals(requestedHost, host, StringComparison.Ordinal) || (requested.Port is { } p && p != port))
        {
            problem = "request for " + requested.Value + " inside a tunnel opened to " + host + ":" + port.ToString(CultureInfo.InvariantCulture);
            return false;
        }

        return true;
    }

    /// <summary>Whether the forwarder failed because the upstream certificate was refused.</summary>
    public static bool IsUpstreamCertificateFailure(HttpContext context)
    {
        for (var e = context.Features.Get<IForwarderErrorFeature>()?.Exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    private static string HostForHeader(string host) => host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
}
