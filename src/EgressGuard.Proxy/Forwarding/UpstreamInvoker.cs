using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// The one <see cref="HttpMessageInvoker"/> all forwarded requests share. The upstream URI is the
/// decided IP literal (so pooled connections are keyed by address), and the connect callback dials
/// exactly that literal and never resolves a name, so DNS cannot be rebound between decision and
/// connection. (It used to carry the address in a request option as well: one dictionary per
/// request for what the URI already says.)
/// </summary>
public static class UpstreamInvoker
{
    /// <summary>
    /// Creates the invoker. <paramref name="certificateValidation"/> validates upstream TLS certificates
    /// (intercepted HTTPS); without it the platform's default validation applies.
    /// </summary>
    public static HttpMessageInvoker Create(TimeSpan connectTimeout, System.Net.Security.RemoteCertificateValidationCallback? certificateValidation = null) => new(new SocketsHttpHandler
    {
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = certificateValidation },
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
        ConnectTimeout = connectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        ConnectCallback = ConnectAsync,
    }, disposeHandler: true);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // The request URI's host is the decided address itself (ForwardProxyMiddleware builds it from
        // the decision), so that literal is what is dialled. A name here would mean a request that did
        // not pass the decision: refuse it rather than resolve it.
        if (!TryParseAddress(context.DnsEndPoint.Host, out var address))
        {
            throw new InvalidOperationException("Upstream request without a decided address; refusing to resolve names here.");
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An IP literal as the handler passes the URI's host (IPv6 with or without brackets); never a name.</summary>
    internal static bool TryParseAddress(string host, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        var span = host.AsSpan();
        if (span.Length > 2 && span[0] == '[' && span[^1] == ']')
        {
            span = span[1..^1];
        }

        return IPAddress.TryParse(span, out address);
    }
}
