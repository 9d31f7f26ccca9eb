using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// Connection features of an intercepted tunnel: tells Kestrel the connection is TLS with the
/// negotiated ALPN protocol (so it speaks HTTP/2 when the client chose <c>h2</c>), and tells the
/// forwarder which host and port the client's <c>CONNECT</c> named (the only destination its
/// requests may reach).
/// </summary>
public sealed class InterceptedTlsFeature : ITlsConnectionFeature, ITlsApplicationProtocolFeature
{
    /// <summary>Creates the feature.</summary>
    public InterceptedTlsFeature(string host, int port, ReadOnlyMemory<byte> applicationProtocol, System.Net.IPAddress? destination = null)
    {
        Host = host;
        Port = port;
        ApplicationProtocol = applicationProtocol;
        Destination = destination;
    }

    /// <summary>Transparent mode: the address the client connected to (the only one requests may reach); null for CONNECT (resolved per request).</summary>
    public System.Net.IPAddress? Destination { get; }

    /// <summary>The host named in <c>CONNECT</c> (normalised).</summary>
    public string Host { get; }

    /// <summary>The port named in <c>CONNECT</c>.</summary>
    public int Port { get; }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> ApplicationProtocol { get; }

    /// <inheritdoc />
    public X509Certificate2? ClientCertificate { get; set; }

    /// <inheritdoc />
    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
}
