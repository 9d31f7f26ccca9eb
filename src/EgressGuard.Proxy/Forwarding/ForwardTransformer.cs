using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// Shapes the upstream request of a forward proxy: YARP's default copy (which already drops the
/// RFC 9110 §7.6.1 hop-by-hop fields), plus every <c>Proxy-*</c> field (credentials meant for us
/// must not leak to the origin) and any field the client listed in <c>Connection</c>; the Host is
/// the client's authority (the URI already names the decided address, which the connect callback dials).
/// </summary>
public sealed class ForwardTransformer : HttpTransformer
{
    /// <summary>The shared instance (stateless).</summary>
    public static ForwardTransformer Instance { get; } = new();

    /// <inheritdoc />
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var state = httpContext.Features.Get<ForwardState>()
            ?? throw new InvalidOperationException("ForwardState missing: the request was not decided.");

        foreach (var connectionToken in httpContext.Request.Headers.Connection)
        {
            if (string.IsNullOrEmpty(connectionToken))
            {
                continue;
            }

            foreach (var token in connectionToken.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                proxyRequest.Headers.Remove(token);
                proxyRequest.Content?.Headers.Remove(token);
            }
        }

        // NonValidated: a struct enumerator over the names as stored (enumerating Headers itself
        // parses every value into a new array).
        List<string>? proxyHeaders = null;
        foreach (var header in proxyRequest.Headers.NonValidated)
        {
            if (header.Key.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                (proxyHeaders ??= []).Add(header.Key);
            }
        }

        if (proxyHeaders is not null)
        {
            foreach (var name in proxyHeaders)
            {
                proxyRequest.Headers.Remove(name);
            }
        }

        proxyRequest.Headers.Remove(HeaderNames.KeepAlive);
        proxyRequest.Headers.Host = state.Authority;
    }
}
