using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// The one <see cref="HttpMessageInvoker"/> all forwarded requests share. Its connect callback
/// dials only the address the decision approved (carried in <see cref="DialTarget.Key"/>) and
/// never resolves a name, so DNS cannot be rebound between decision and connection. The upstream
/// URI is the IP literal, so pooled connections are keyed by address as well.
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
        if (!context.InitialRequestMessage.Options.TryGetValue(DialTarget.Key, out var target))
        {
            throw new InvalidOperationException("Upstream request without a decided address; refusing to resolve names here.");
        }

        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
