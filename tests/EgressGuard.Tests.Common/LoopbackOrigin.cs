using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Tests.Common;

/// <summary>
/// A real Kestrel origin on a loopback address (127.0.0.2, .3, … stand in for foreign and domestic
/// servers through geo overrides). Endpoints: <c>GET /…</c> answers <c>hello from NAME</c>;
/// <c>POST /echo</c> echoes the body; <c>GET /headers</c> lists the request headers it received;
/// <c>GET /bytes/N</c> sends N bytes; <c>/ws</c> is a WebSocket echo. Counts accepted connections, so a test can prove that a
/// refused transfer never reached it.
/// </summary>
public sealed class LoopbackOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;
    private int _completedBodies;

    private LoopbackOrigin(WebApplication app, string name, IPAddress address, X509Certificate2? certificate)
    {
        _app = app;
        Name = name;
        Address = address;
        Certificate = certificate;
    }

    /// <summary>The name in its answers.</summary>
    public string Name { get; }

    /// <summary>The loopback address it listens on.</summary>
    public IPAddress Address { get; }

    /// <summary>The bound port.</summary>
    public int Port { get; private set; }

    /// <summary>The self-signed certificate when started with TLS.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Request bodies received in full by <c>/echo</c> (a stopped upload never completes).</summary>
    public int CompletedBodies => Volatile.Read(ref _completedBodies);

    /// <summary><c>http://address:port</c> or <c>https://…</c>.</summary>
    public string BaseUrl => $"{(Certificate is null ? "http" : "https")}://{Address}:{Port}";

    /// <summary>Starts an origin on <paramref name="address"/> port 0.</summary>
    public static Task<LoopbackOrigin> StartAsync(string address, string name, bool tls = false) =>
        StartAsync(address, name, tls ? CreateCertificate(IPAddress.Parse(address)) : null);

    /// <summary>Starts an HTTPS origin serving <paramref name="certificate"/> (with its private key), or plain HTTP when null.</summary>
    public static async Task<LoopbackOrigin> StartAsync(string address, string name, X509Certificate2? certificate)
    {
        var ip = IPAddress.Parse(address);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        LoopbackOrigin? self = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(ip, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => context =>
                {
                    Interlocked.Increment(ref self!._connections);
                    return next(context);
                });
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        self = new LoopbackOrigin(app, name, ip, certificate);
        app.UseWebSockets();
        app.Run(self.HandleAsync);
        await app.StartAsync();
        self.Port = new Uri(app.Urls.First()).Port;
        return self;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        context.Response.Headers["X-Origin"] = Name;
        if (path == "/echo")
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Interlocked.Increment(ref _completedBodies);
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(body.ToArray());
            return;
        }

        if (path == "/ws" && context.WebSockets.IsWebSocketRequest)
        {
            // WebSocket echo: every message comes back as sent, until the client closes.
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        }

        if (path == "/headers")
        {
            var sb = new StringBuilder();
            foreach (var (key, value) in context.Request.Headers)
            {
                sb.Append(key).Append(": ").Append(value.ToString()).Append('\n');
            }

            await context.Response.WriteAsync(sb.ToString());
            return;
        }

        if (path.StartsWith("/bytes/", StringComparison.Ordinal) && int.TryParse(path["/bytes/".Length..], out var count))
        {
            var chunk = new byte[Math.Min(count, 64 * 1024)];
            Array.Fill(chunk, (byte)'x');
            context.Response.ContentLength = count;
            for (var sent = 0; sent < count; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, count - sent)));
            }

            return;
        }

        await context.Response.WriteAsync("hello from " + Name);
    }

    private static X509Certificate2 CreateCertificate(IPAddress ip)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=egressguard-test-origin", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(ip);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
