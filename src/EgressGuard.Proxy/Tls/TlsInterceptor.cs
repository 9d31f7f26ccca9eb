using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// Terminates a client's TLS inside an accepted tunnel and hands the decrypted connection to
/// Kestrel's own HTTP pipeline (HTTP/1.1 or HTTP/2 by ALPN), exactly as Kestrel's
/// <c>UseHttps</c> middleware does: the connection's transport is swapped for a pipe over the
/// <see cref="SslStream"/>, TLS features are set, and the rest of the connection middleware chain
/// (the HTTP server) runs on it. No second listener, no loopback hop, one Kestrel connection.
/// </summary>
public sealed class TlsInterceptor
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly LeafCertificateCache _certificates;
    private readonly IInterceptionPolicy _policy;
    private readonly TlsSettings _settings;
    private readonly TlsMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the interceptor.</summary>
    public TlsInterceptor(LeafCertificateCache certificates, IInterceptionPolicy policy, TlsSettings settings, TlsMetrics metrics, ILoggerFactory loggerFactory)
    {
        _certificates = certificates;
        _policy = policy;
        _settings = settings;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("EgressGuard.Proxy.Tls");
    }

    /// <summary>The seam that decides interception.</summary>
    public IInterceptionPolicy Policy => _policy;

    /// <summary>The certificate cache.</summary>
    public LeafCertificateCache Certificates => _certificates;

    /// <summary>The choice for a tunnel, counted when it is a splice.</summary>
    public InterceptionChoice Choose(IPAddress client, string host)
    {
        var choice = _policy.Choose(client, host);
        if (choice is InterceptionChoice.Bypassed or InterceptionChoice.Spliced)
        {
            _metrics.Spliced(choice == InterceptionChoice.Bypassed ? "bypassed" : "handshake_failed");
        }

        return choice;
    }

    /// <summary>The certificate for <paramref name="host"/>, minted if needed; null (logged, counted) when none can be made.</summary>
    public SslStreamCertificateContext? CertificateFor(string host)
    {
        var context = _certificates.Get(host);
        if (context is null)
        {
            _metrics.Spliced("no_certificate");
            TlsLog.NoCertificate(_logger, host);
        }

        return context;
    }

    /// <summary>
    /// Runs TLS toward the client on <paramref name="connection"/> (after <c>200 Connection Established</c>)
    /// and then <paramref name="http"/> (Kestrel's HTTP pipeline) on the decrypted stream. A client
    /// that refuses the certificate with a TLS alert, or times out, is remembered so its next
    /// connection to that host is spliced; an abandoned handshake is only counted.
    /// </summary>
    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate http, IPAddress client, string host, int port, SslStreamCertificateContext certificate, TimeSpan handshakeTimeout, IPAddress? destination = null)
    {
        var originalTransport = connection.Transport;
        var ssl = new SslStream(new DuplexPipeStream(originalTransport), leaveInnerStreamOpen: false);
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
            {
                timeout.CancelAfter(handshakeTimeout);
                try
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = certificate,
                        ApplicationProtocols = Alpn,
                        ClientCertificateRequired = false,
                        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    }, timeout.Token);
                }
                catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
                {
                    // A client that says it refuses our certificate (a TLS alert: pinned app, no
                    // appliance CA) or never sends a hello (a server-speaks-first protocol) gets its
                    // next connections to this host spliced. A dropped or reset handshake is not a
                    // refusal: remembering it would turn inspection off whenever a client gives up
                    // mid-handshake (browsers' spare connections, load tools stopping).
                    var failure = ClientHandshakeFailures.Classify(e, timeout.IsCancellationRequested && !connection.ConnectionClosed.IsCancellationRequested);
                    _metrics.HandshakeFailed(failure);
                    if (failure is ClientHandshakeFailure.CertificateRefused or ClientHandshakeFailure.TimedOut)
                    {
                        _policy.HandshakeFailed(client, host);
                        TlsLog.ClientHandshakeFailed(_logger, client, host, e.InnerException?.Message ?? e.Message, _settings.SpliceAfterFailure);
                    }
                    else
                    {
                        TlsLog.ClientHandshakeAbandoned(_logger, client, host, failure, e.InnerException?.Message ?? e.Message);
                    }

                    return;
                }
            }

            _metrics.Intercepted();
            var feature = new InterceptedTlsFeature(host, port, ssl.NegotiatedApplicationProtocol.Protocol, destination);
            connection.Features.Set<ITlsConnectionFeature>(feature);
            connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
            connection.Features.Set(feature);
            connection.Transport = new StreamDuplexPipe(ssl);
            await http(connection);
        }
        finally
        {
            connection.Transport = originalTransport;
            await ssl.DisposeAsync();
        }
    }
}
