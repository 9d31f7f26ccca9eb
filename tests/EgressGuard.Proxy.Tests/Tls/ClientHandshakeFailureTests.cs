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
        var failure = await ServerSideFailureAsync(port =>
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
        });

        Assert.Equal(ClientHandshakeFailure.CertificateRefused, failure);
    }

    [Fact]
    public async Task ClientClosingAfterHalfAHello_IsAbandonedNotARefusal()
    {
        var failure = await ServerSideFailureAsync(async stream =>
        {
            // The first 40 bytes of a TLS 1.2 ClientHello record, then the connection closes.
            byte[] partial = [0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03, .. new byte[29]];
            await stream.WriteAsync(partial);
        });

        Assert.Equal(ClientHandshakeFailure.Abandoned, failure);
    }

    [Fact]
    public async Task ClientSendingSomethingThatIsNotTls_IsAbandonedNotARefusal()
    {
        var failure = await ServerSideFailureAsync(async stream =>
        {
            await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            await Task.Delay(200);
        });

        Assert.Equal(ClientHandshakeFailure.Abandoned, failure);
    }

    [Fact]
    public void Cancellation_IsATimeoutOnlyWhenTheTimerFired()
    {
        Assert.Equal(ClientHandshakeFailure.TimedOut, ClientHandshakeFailures.Classify(new OperationCanceledException(), timedOut: true));
        Assert.Equal(ClientHandshakeFailure.Abandoned, ClientHandshakeFailures.Classify(new OperationCanceledException(), timedOut: false));
        Assert.Equal(ClientHandshakeFailure.Abandoned, ClientHandshakeFailures.Classify(new IOException("Connection reset by peer"), timedOut: false));
    }

    private static Task<ClientHandshakeFailure> ServerSideFailureAsync(Func<Stream, Task> client) =>
        ServerSideFailureAsync(async (int port) =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            await client(tcp.GetStream());
        });

    private static Task<ClientHandshakeFailure> ServerSideFailureAsync(Action<int> client) =>
        ServerSideFailureAsync(port => Task.Run(() => client(port)));

    /// <summary>Serves one TLS handshake with a self-signed certificate and classifies how it failed.</summary>
    private static async Task<ClientHandshakeFailure> ServerSideFailureAsync(Func<int, Task> client)
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
        var exception = await Record.ExceptionAsync(() => ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, null),
        }, timeout.Token));
        await clientTask.WaitAsync(timeout.Token);

        Assert.NotNull(exception);
        return ClientHandshakeFailures.Classify(exception, timeout.IsCancellationRequested);
    }
}
