using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using EgressGuard.Proxy.Tls;
using EgressGuard.Proxy.Tls.ClientHello;

namespace EgressGuard.Benchmarks.Tls;

/// <summary>
/// The client-facing side of interception: a full TLS handshake (TLS 1.3, ECDSA P-256, ALPN h2)
/// over a real loopback TCP connection, served with the minted certificate context — warm (the
/// host's certificate is cached) and cold (minted for this handshake: one key-less leaf signed by
/// the CA, plus building its <see cref="SslStreamCertificateContext"/>). Also the mint alone and the
/// ClientHello peek used by transparent mode. One op = one handshake (client and server both run
/// in this process, so the number is the box's cost plus a client's).
/// </summary>
[MemoryDiagnoser]
public class TlsHandshakeBenchmarks
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private string _directory = string.Empty;
    private CertificateAuthority _ca = null!;
    private LeafCertificateCache _cache = null!;
    private TcpListener _listener = null!;
    private byte[] _hello = [];
    private int _coldCounter;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("eg-bench-tls-").FullName;
        _ca = CertificateAuthority.LoadOrCreate(new TlsSettings(), _directory, TimeProvider.System, out var error)
            ?? throw new InvalidOperationException(error);
        _cache = new LeafCertificateCache(_ca, TimeProvider.System, 100_000);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        _hello = await CaptureHelloAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Stop();
        _cache.Dispose();
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "handshake, warm certificate cache")]
    public Task WarmHandshake() => HandshakeAsync("warm.example.com");

    [Benchmark(Description = "handshake, cold (mint per handshake)")]
    public Task ColdHandshake() => HandshakeAsync("cold" + Interlocked.Increment(ref _coldCounter) + ".example.com");

    [Benchmark(Description = "mint only (cold cache)")]
    public object? MintOnly() => _cache.Get("mint" + Interlocked.Increment(ref _coldCounter) + ".example.com");

    [Benchmark(Description = "ClientHello SNI peek (real .NET hello)")]
    public string? PeekServerName() => ClientHelloParser.Parse(_hello).ServerName;

    private async Task HandshakeAsync(string host)
    {
        using var client = new TcpClient();
        var connect = client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
        using var server = await _listener.AcceptTcpClientAsync();
        await connect;
        await using var serverSsl = new SslStream(server.GetStream());
        await using var clientSsl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        var context = _cache.Get(host)!;
        var serverSide = serverSsl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context, ApplicationProtocols = Alpn });
        await clientSsl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, ApplicationProtocols = Alpn });
        await serverSide;
    }

    private async Task<byte[]> CaptureHelloAsync()
    {
        using var client = new TcpClient();
        var connect = client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
        using var server = await _listener.AcceptTcpClientAsync();
        await connect;
        var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "api.example.com", ApplicationProtocols = Alpn });
        var stream = server.GetStream();
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var body = new byte[(header[3] << 8) | header[4]];
        await stream.ReadExactlyAsync(body);
        server.Close();
        try
        {
            await handshake;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
        }

        await ssl.DisposeAsync();
        return [.. header, .. body];
    }
}
