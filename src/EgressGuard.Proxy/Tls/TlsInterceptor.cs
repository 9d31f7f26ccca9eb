using System.Net;
using EgressGuard.Policy.Networks;
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

    // (client, host) pairs that completed a handshake with a minted certificate lately: such a client
    // accepts our certificate, so its dropped handshakes are not refusals.
    private readonly HandshakeFailureMemory _accepted;

    /// <summary>Creates the interceptor.</summary>
    public TlsInterceptor(LeafCertificateCache certificates, IInterceptionPolicy policy, TlsSettings settings, TlsMetrics metrics, ILoggerFactory loggerFactory)
    {
        _certificates = certificates;
        _policy = policy;
        _settings = settings;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("EgressGuard.Proxy.Tls");
        _accepted = new HandshakeFailureMemory(TimeProvider.System, settings.SpliceAfterFailure, 100_000);
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
            // Only the timer cancels the handshake, not the connection closing: a client that refuses our
            // certificate sends its alert and closes at once, and the alert must be read, not raced.
            using (var timeout = new CancellationTokenSource())
            {
                timeout.CancelAfter(handshakeTimeout);
                HandshakeState? handshake = null;
                try
                {
                    // The options are chosen once the ClientHello is in: its SNI must name the host the
                    // tunnel was decided for (the leaf is minted for exactly that name).
                    var options = new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = certificate,
                        ApplicationProtocols = Alpn,
                        ClientCertificateRequired = false,
                        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    };
                    await ssl.AuthenticateAsServerAsync(
                        static (_, hello, state, _) => ((HandshakeState)state!).Check(hello.ServerName),
                        handshake = new HandshakeState(host, options),
                        timeout.Token);
                }
                catch (Exception e) when (SniMismatchException.In(e) is { } mismatch)
                {
                    // Domain fronting at the TLS layer: a tunnel decided for one name, a hello for another.
                    // Refused and counted, not remembered (splicing it later would let the other name through).
                    _metrics.HandshakeFailed(ClientHandshakeFailure.SniMismatch);
                    TlsLog.SniMismatch(_logger, client, host, mismatch.ServerName);
                    return;
                }
                catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
                {
                    // A client that refuses our certificate (a TLS alert, or closing once it has seen it)
                    // or never sends a hello (a server-speaks-first protocol) gets its next connections
                    // to this host spliced; a client that completed a handshake with us for this host
                    // lately and now drops one (browsers' spare connections, load tools stopping) does not.
                    var failure = ClientHandshakeFailures.Classify(e, timeout.IsCancellationRequested, handshake?.HelloReceived == true, _accepted.IsRemembered(client, host));
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
            if (!_accepted.IsRemembered(client, host) && !_accepted.Remember(client, host))
            {
                _metrics.FailureMemoryFull();
            }

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

    /// <summary>What the ClientHello callback needs: the decided host and the options to answer with.</summary>
    private sealed class HandshakeState(string host, SslServerAuthenticationOptions options)
    {
        /// <summary>The ClientHello arrived, so our certificate was sent (or on its way).</summary>
        public bool HelloReceived { get; private set; }

        public ValueTask<SslServerAuthenticationOptions> Check(string? serverName)
        {
            if (!string.IsNullOrEmpty(serverName) && !string.Equals(HostName.Normalize(serverName), host, StringComparison.Ordinal))
            {
                throw new SniMismatchException(serverName);
            }

            HelloReceived = true;
            return ValueTask.FromResult(options);
        }
    }

    /// <summary>The client's SNI names another host than the tunnel's.</summary>
    private sealed class SniMismatchException(string serverName) : Exception("SNI " + serverName + " does not name the tunnel's host")
    {
        public string ServerName { get; } = serverName;

        public static SniMismatchException? In(Exception e)
        {
            for (Exception? x = e; x is not null; x = x.InnerException)
            {
                if (x is SniMismatchException mismatch)
                {
                    return mismatch;
                }
            }

            return null;
        }
    }
}
