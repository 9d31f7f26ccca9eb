using EgressGuard.Inspection;
using EgressGuard.Proxy.Configuration;
using EgressGuard.Proxy.Connect;
using EgressGuard.Proxy.Flows;
using EgressGuard.Proxy.Forwarding;
using EgressGuard.Proxy.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace EgressGuard.Proxy;

/// <summary>Wires the explicit proxy into a host: services, Kestrel listeners, the request pipeline.</summary>
public static class ProxyHostingExtensions
{
    /// <summary>
    /// Registers the proxy. The caller registers <see cref="Policy.PolicyStore"/>,
    /// <see cref="Geo.CountryResolver"/>, <see cref="Ledger.Storage.ITransferLedger"/> and
    /// <see cref="TimeProvider"/>; an <see cref="IHostResolver"/> defaults to the system resolver.
    /// </summary>
    public static IServiceCollection AddEgressGuardProxy(this IServiceCollection services, ProxySettings settings)
    {
        services.AddSingleton(settings);
        services.AddHttpForwarder();
        services.AddMetrics();
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<FlowDecider>();
        services.AddSingleton<ProxyServices>();
        services.AddSingleton<OriginFormEndpoints>();
        services.AddSingleton(sp => UpstreamInvoker.Create(settings.ConnectTimeout, sp.GetService<Tls.UpstreamCertificateValidator>() is { } tls ? tls.Validate : null));
        if (!services.Any(d => d.ServiceType == typeof(IHostResolver)))
        {
            services.AddSingleton<IHostResolver, SystemHostResolver>();
        }

        return services;
    }

    /// <summary>
    /// Adds the proxy listeners to Kestrel with the CONNECT connection middleware in front, and
    /// applies the head limits (size → 431, slow head → closed) to the HTTP path as well.
    /// </summary>
    public static void ListenEgressGuardProxy(this KestrelServerOptions kestrel, ProxySettings settings)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestHeadersTotalSize = settings.MaxHeaderBytes;
        kestrel.Limits.MaxRequestLineSize = Math.Min(settings.MaxHeaderBytes, kestrel.Limits.MaxRequestLineSize);
        kestrel.Limits.RequestHeadersTimeout = settings.HeaderTimeout;
        kestrel.Limits.MaxRequestBodySize = null; // uploads of any size pass; inspection bounds its own buffering
        kestrel.Limits.MaxConcurrentConnections = null;
        foreach (var endpoint in settings.Listen)
        {
            kestrel.Listen(endpoint, listen =>
            {
                // HTTP/2 is only ever chosen by ALPN inside an intercepted tunnel; plain connections stay HTTP/1.1.
                // Without interception the listener is HTTP/1.1 only (and Kestrel has nothing to warn about).
                var interceptor = listen.ApplicationServices.GetService<Tls.TlsInterceptor>();
                listen.Protocols = interceptor is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                listen.Use(next => new ConnectMiddleware(next, listen.ApplicationServices.GetRequiredService<ProxyServices>(), interceptor).OnConnectionAsync);
            });
        }
    }

    /// <summary>Makes the proxy the terminal request handler.</summary>
    public static void UseEgressGuardProxy(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var origin = services.GetRequiredService<OriginFormEndpoints>();
        var middleware = new ForwardProxyMiddleware(
            services.GetRequiredService<ProxyServices>(),
            services.GetRequiredService<IHttpForwarder>(),
            services.GetRequiredService<HttpMessageInvoker>(),
            origin.HandleAsync,
            services.GetService<IPiiScanner>());
        app.Run(middleware.InvokeAsync);
    }
}
