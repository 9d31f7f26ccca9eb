using System.Net;
using EgressGuard.Proxy.Tls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace EgressGuard.Proxy.Transparent;

/// <summary>Adds the transparent listener to a host.</summary>
public static class TransparentHostingExtensions
{
    /// <summary>
    /// Listens on <c>Transparent:Listen</c> with <see cref="TransparentMiddleware"/> in front of the
    /// HTTP pipeline; in TProxy mode the listening sockets are created with <c>IP_TRANSPARENT</c>.
    /// </summary>
    public static void UseEgressGuardTransparent(this IWebHostBuilder webHost, TransparentSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        if (settings.Mode == TransparentMode.TProxy)
        {
            var transparentEndpoints = new HashSet<IPEndPoint>(settings.Listen);
            webHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
                endpoint is IPEndPoint ip && transparentEndpoints.Contains(ip)
                    ? OriginalDestination.CreateTransparentListenSocket(ip)
                    : SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
        }

        webHost.ConfigureKestrel(kestrel =>
        {
            foreach (var endpoint in settings.Listen)
            {
                kestrel.Listen(endpoint, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.Use(next => new TransparentMiddleware(
                        next,
                        listen.ApplicationServices.GetRequiredService<ProxyServices>(),
                        settings,
                        listen.ApplicationServices.GetService<TlsInterceptor>()).OnConnectionAsync);
                });
            }
        });
    }
}
