using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EgressGuard.Proxy.Tls;

namespace EgressGuard.Proxy.Tests.Tls;

/// <summary>
/// Real handshakes on loopback: which client behaviours count as refusing the minted certificate
/// (and so splice that client's next connections to the host) and which are only a dropped handshake.
/// </summary>
public sealed class ClientHandshakeFailureTests
{
    [Fact]
    public async Task OpenSslClientWithoutTheCa_IsARefusal()
    {
        // openssl s_client (as curl: OpenSSL verifies inside the handshake) with verification on
        // and no trust store at all: it answers our certificate with the alert "unknown ca" (48).
        var failure = await ClassifiedAsync(ServerSideFailureAsync(port =>
        {
            var start = new ProcessStartInfo("openssl", $"s_client -connect 127.0.0.1:{port} -servername pinned.example -verify_return_error -no-CAfile -no-CApath -no-CAstore")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(20_000))
            {
                process.Kill();
            }
        }));

        Assert.Equal(ClientHandshakeFailure.CertificateRefused, failure);
    }

    [Fact]
    public async Task ClientClosingAfterHalfAHello_IsAbandonedNotARefusal()
    {
        var failure = await ClassifiedAsync(ServerSideFailureAsync(async stream =>
        {
            // The first 40 bytes of a TLS 1.2 ClientHello record, then the connection closes.
            byte[] partial = [0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03, .. new byte[29]];
            await stream.WriteAsync(partial);
        }));

        Assert.Equal(ClientHandshakeFailure.Abandoned, failure);
    }

    [Fact]
    public async Task ClientSendingSomethingThatIsNotTls_IsAbandonedNotARefusal()
    {
        var failure = await ClassifiedAsync(ServerSideFailureAsync(async stream =>
        {
            await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            await Task.Delay(200);
        }));

        Assert.Equal(ClientHandshakeFailure.Abandoned, failure);
    }

    [Fact]
    public async Task ClientClosingAfterAWholeHello_IsARefusalUnlessItAcceptedUsLately()
    {
        // A client that reads our certificate and closes without an alert (as many pinned apps do):
        // a real .NET ClientHello replayed, the server's answer read, then the connection closed.
        var clientHello = await CaptureClientHelloAsync();
        var hello = await ServerSideFailureAsync(async stream =>
        {
            await stream.WriteAsync(clientHello);
            var answer = new byte[4096];
            Assert.True(await stream.ReadAsync(answer) > 0, "the server answers the hello");
        });

        Assert.Equal(ClientHandshakeFailure.CertificateRefused, ClientHandshakeFailures.Classify(hello.Exception, timedOut: false, hello.HelloReceived, acceptedRecently: false));
        Assert.Equal(ClientHandshakeFailure.Abandoned, ClientHandshakeFailures.Classify(hello.Exception, timedOut: false, hello.HelloReceived, acceptedRecently: true));
    }

    [Fact]
    public void Timer_IsATimeout()
    {
        Assert.Equal(ClientHandshakeFailure.TimedOut, ClientHandshakeFailures.Classify(new OperationCanceledException(), timedOut: true, helloReceived: false, acceptedRecently: false));
        Assert.Equal(ClientHandshakeFailure.Abandoned, ClientHandshakeFailures.Classify(new IOException("Connection reset by peer"), timedOut: false, helloReceived: false, acceptedRecently: false));
    }

    private static async Task<ClientHandshakeFailure> ClassifiedAsync(Task<ServerSide> side)
    {
        var result = await side;
        return ClientHandshakeFailures.Classify(result.Exception, timedOut: false, result.HelloReceived, acceptedRecently: false);
    }

    private static Task<ServerSide> ServerSideFailureAsync(Func<Stream, Task> client) =>
        ServeOneAsync(async port =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            await client(tcp.GetStream());
        });

    private static Task<ServerSide> ServerSideFailureAsync(Action<int> client) =>
        ServeOneAsync(port => Task.Run(() => client(port)));

    /// <summary>The first bytes a .NET TLS client sends (its whole ClientHello), read off a listener.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "pinned.example" });
        var buffer = new byte[16384];
        var stream = accepted.GetStream();
        var length = 0;
        // A TLS record: 5-byte header, then its length; read until the whole first record is in.
        while (length < 5 || length < 5 + ((buffer[3] << 8) | buffer[4]))
        {
            length += await stream.ReadAsync(buffer.AsMemory(length));
        }

        accepted.Close();
        await Record.ExceptionAsync(() => handshake);
        await ssl.DisposeAsync();
        return buffer[..length];
    }

    private sealed record ServerSide(Exception Exception, bool HelloReceived);

    /// <summary>Serves one TLS handshake with a self-signed certificate; returns how it failed and whether the ClientHello was complete.</summary>
    private static async Task<ServerSide> ServeOneAsync(Func<int, Task> client)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pinned.example", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var clientTask = client(port);
        using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
        await using var ssl = new SslStream(accepted.GetStream(), false);
        var options = new SslServerAuthenticationOptions { ServerCertificateContext = SslStreamCertificateContext.Create(certificate, null) };
        var helloReceived = false;
        var exception = await Record.ExceptionAsync(() => ssl.AuthenticateAsServerAsync(
            (_, _, _, _) =>
            {
                helloReceived = true;
                return ValueTask.FromResult(options);
            },
            null,
            timeout.Token));
        await clientTask.WaitAsync(timeout.Token);

        Assert.NotNull(exception);
        return new ServerSide(exception, helloReceived);
    }
}
