using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Tls;

/// <summary>
/// TLS interception end to end: real curl and .NET clients through the appliance to real HTTPS
/// origins on loopback whose certificates come from a test CA listed in <c>Tls:UpstreamTrust</c>.
/// Clients trust the appliance CA exported with <c>egressguard ca export</c>.
/// </summary>
public sealed class TlsInterceptionTests
{
    // Valid resident ID from python-stdnum's doctest (tests/data/pii-vectors/cn_resident_id_18.tsv).
    private const string ResidentId = "360426199101010071";
    private const string PersonJson = "{\"customer\":{\"name\":\"张三\",\"idCard\":\"" + ResidentId + "\",\"city\":\"Shanghai\"}}";
    private const string CleanJson = "{\"event\":\"heartbeat\",\"build\":\"20261125.3\",\"uptime\":123456789}";
    private const string UsHost = "api.us.example.test";
    private const string CnHost = "api.cn.example.test";

    private static readonly Dictionary<string, string> Hosts = new()
    {
        [UsHost] = "127.0.0.2",
        [CnHost] = "127.0.0.3",
        ["expired.example.test"] = "127.0.0.2",
        ["other.example.test"] = "127.0.0.2",
    };

    [Fact]
    public async Task PostWithResidentId_InsideInterceptedTls_IsBlockedByTheBoxWithTheTypeInTheReason()
    {
        await using var setup = await Setup.StartAsync(UsHost, "127.0.0.2");
        var ca = await setup.ExportCaWithCliAsync();

        var result = await ProcessRunner.CurlAsync("-i", "--suppress-connect-headers", "--cacert", ca, "-x", setup.Box.ProxyUrl, "-H", "Content-Type: application/json",
            "--data-binary", PersonJson, setup.Url("/echo"));

        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^HTTP/[0-9.]+ 403", result.StandardOutput);
        Assert.Contains("x-egressguard-reason: NoAssessment", result.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cn_resident_id", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(ResidentId, result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, setup.Origin.CompletedBodies);
        var record = await setup.Box.WaitForRecordAsync(r => r.Host == UsHost);
        Assert.Equal(TransferVerdict.Block, record.Decision);
        Assert.Equal("Complete", record.Inspection);
        Assert.Contains(record.Findings, f => f.Type == "cn_resident_id");
    }

    [Fact]
    public async Task PostWithoutPersonalInformation_InsideInterceptedTls_ReachesTheOrigin()
    {
        await using var setup = await Setup.StartAsync(UsHost, "127.0.0.2");

        var result = await ProcessRunner.CurlAsync("--cacert", setup.ApplianceCaPath, "-x", setup.Box.ProxyUrl, "-H", "Content-Type: application/json",
            "--data-binary", CleanJson, setup.Url("/echo"));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(CleanJson, result.StandardOutput);
        Assert.Equal(1, setup.Origin.CompletedBodies);
        var record = await setup.Box.WaitForRecordAsync(r => r.Host == UsHost);
        Assert.Equal(TransferVerdict.Allow, record.Decision);
        Assert.Equal(ReasonCode.NoPersonalInformation, record.Reason);
        Assert.Equal("Complete", record.Inspection);
    }

    [Fact]
    public async Task Curl_WithHttp2_NegotiatesH2ByAlpnWithTheBox()
    {
        await using var setup = await Setup.StartAsync(UsHost, "127.0.0.2");

        var result = await ProcessRunner.CurlAsync("--http2", "--cacert", setup.ApplianceCaPath, "-x", setup.Box.ProxyUrl,
            "-w", "\n%{http_version} %{http_code}", setup.Url("/hello"));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.EndsWith("hello from origin\n2 200", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_ThroughInterception_EchoesMessages()
    {
        await using var setup = await Setup.StartAsync(UsHost, "127.0.0.2");
        using var applianceCa = X509CertificateLoader.LoadCertificateFromFile(setup.ApplianceCaPath);
        using var socket = new ClientWebSocket();
        socket.Options.Proxy = new WebProxy(setup.Box.ProxyUrl);
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(applianceCa, certificate, errors);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await socket.ConnectAsync(new Uri($"wss://{UsHost}:{setup.Origin.Port}/ws"), timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping through the box"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        Assert.Equal("ping through the box", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Theory]
    [InlineData("expired.example.test", true)]
    [InlineData("other.example.test", false)]
    public async Task OriginWithExpiredOrWrongNameCertificate_IsBlockedAsUpstreamCertificateInvalid(string host, bool expired)
    {
        // The origin's certificate is for "expired.example.test" but expired, or valid but for "someone-else.example.test".
        await using var setup = await Setup.StartAsync(host, "127.0.0.2", expired ? host : "someone-else.example.test", expired);

        var result = await ProcessRunner.CurlAsync("-i", "--suppress-connect-headers", "--cacert", setup.ApplianceCaPath, "-x", setup.Box.ProxyUrl, setup.Url("/hello"));

        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^HTTP/[0-9.]+ 403", result.StandardOutput);
        Assert.Contains("x-egressguard-reason: UpstreamCertificateInvalid", result.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hello from origin", result.StandardOutput, StringComparison.Ordinal);
        var record = await setup.Box.WaitForRecordAsync(r => r.Host == host);
        Assert.Equal(TransferVerdict.Block, record.Decision);
        Assert.Equal(ReasonCode.UpstreamCertificateInvalid, record.Reason);
    }

    [Fact]
    public async Task BypassedHost_IsSplicedAndTheClientSeesTheOriginsOwnCertificate()
    {
        await using var setup = await Setup.StartAsync(CnHost, "127.0.0.3", configure: c => c["Tls:Bypass:0"] = "*.cn.example.test");

        var seen = await HandshakeThroughProxyAsync(setup, CnHost);

        Assert.Equal(setup.Pki.Certificate.Subject, seen.Issuer);
        var record = await setup.Box.WaitForRecordAsync(r => r.Host == CnHost);
        Assert.Equal("Bypassed", record.Inspection);
        Assert.Equal(TransferVerdict.Allow, record.Decision);
    }

    [Fact]
    public async Task ClientRefusingTheMintedCertificate_IsSplicedOnItsNextConnection()
    {
        await using var setup = await Setup.StartAsync(CnHost, "127.0.0.3");

        // curl without the appliance CA refuses the minted certificate (exit 60: peer certificate cannot be authenticated).
        var refused = await ProcessRunner.CurlAsync("-x", setup.Box.ProxyUrl, setup.Url("/hello"));
        Assert.Equal(60, refused.ExitCode);

        var seen = await HandshakeThroughProxyAsync(setup, CnHost);
        Assert.Equal(setup.Pki.Certificate.Subject, seen.Issuer);
        var after = await ProcessRunner.CurlAsync("--cacert", setup.Pki.PemPath, "-x", setup.Box.ProxyUrl, setup.Url("/hello"));
        Assert.Equal("hello from origin", after.StandardOutput);
        var record = await setup.Box.WaitForRecordAsync(r => r.Host == CnHost && r.Inspection == "Spliced");
        Assert.Equal(TransferVerdict.Allow, record.Decision);
    }

    [Fact]
    public async Task ClientDroppingAHandshake_DoesNotSwitchInterceptionOff()
    {
        await using var setup = await Setup.StartAsync(CnHost, "127.0.0.3");
        using var applianceCa = X509CertificateLoader.LoadCertificateFromFile(setup.ApplianceCaPath);

        // CONNECT, half a ClientHello, close: what a client that gives up (or a load tool stopping) does.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(setup.Box.Running.ProxyEndpoints[0], timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {CnHost}:{setup.Origin.Port} HTTP/1.1\r\nHost: {CnHost}:{setup.Origin.Port}\r\n\r\n"), timeout.Token);
            Assert.StartsWith("HTTP/1.1 200", await ReadHeadAsync(stream, timeout.Token), StringComparison.Ordinal);
            await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03 }, timeout.Token);
        }

        // The next connection is still intercepted: the minted certificate, and the request inside
        // decided and recorded on its own (a spliced tunnel would be one Tunnel record).
        await Task.Delay(200);
        var seen = await HandshakeThroughProxyAsync(setup, CnHost);
        Assert.Equal(applianceCa.Subject, seen.Issuer);
        var after = await ProcessRunner.CurlAsync("--cacert", setup.ApplianceCaPath, "-x", setup.Box.ProxyUrl, setup.Url("/hello"));
        Assert.Equal("hello from origin", after.StandardOutput);
        var record = await setup.Box.WaitForRecordAsync(r => r.Host == CnHost && r.Kind == TransferKind.Http);
        Assert.Equal("GET", record.Method);
        Assert.Equal(TransferVerdict.Allow, record.Decision);
    }

    [Fact]
    public async Task HelloNamingAnotherHostThanTheTunnel_IsRefusedAndNeverSpliced()
    {
        await using var setup = await Setup.StartAsync(CnHost, "127.0.0.3");
        using var applianceCa = X509CertificateLoader.LoadCertificateFromFile(setup.ApplianceCaPath);

        // Domain fronting at the TLS layer: CONNECT to the decided host, SNI for another one. The
        // client here accepts any certificate, so only the box can make this handshake fail.
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeThroughProxyAsync(setup, CnHost, serverName: "fronted.example.test"));
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeThroughProxyAsync(setup, CnHost, serverName: "fronted.example.test"));

        // Not taken for a pinning client: the next honest connection is still intercepted.
        var seen = await HandshakeThroughProxyAsync(setup, CnHost);
        Assert.Equal(applianceCa.Subject, seen.Issuer);
    }

    [Fact]
    public async Task InterceptedTunnel_ShowsACertificateMintedForTheHostByTheApplianceCa()
    {
        await using var setup = await Setup.StartAsync(CnHost, "127.0.0.3");
        using var applianceCa = X509CertificateLoader.LoadCertificateFromFile(setup.ApplianceCaPath);

        var seen = await HandshakeThroughProxyAsync(setup, CnHost);

        Assert.Equal(applianceCa.Subject, seen.Issuer);
        Assert.Contains(CnHost, seen.GetNameInfo(X509NameType.DnsName, false), StringComparison.Ordinal);
        Assert.True(seen.NotAfter - seen.NotBefore <= TimeSpan.FromDays(8), "leaf certificates are short-lived");
    }

    private static bool TrustedBy(X509Certificate2 root, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    /// <summary>CONNECT by hand, then a TLS handshake that accepts any certificate and returns the one it was shown.</summary>
    private static async Task<X509Certificate2> HandshakeThroughProxyAsync(Setup setup, string host, string? serverName = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new TcpClient();
        await client.ConnectAsync(setup.Box.Running.ProxyEndpoints[0], timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {host}:{setup.Origin.Port} HTTP/1.1\r\nHost: {host}:{setup.Origin.Port}\r\n\r\n"), timeout.Token);
        var head = await ReadHeadAsync(stream, timeout.Token);
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        X509Certificate2? seen = null;
        await using var ssl = new SslStream(stream, false, (_, certificate, _, _) =>
        {
            seen = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            return true;
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName ?? host }, timeout.Token);
        return seen!;
    }

    /// <summary>Reads a response head byte by byte, so nothing after it (the TLS handshake) is consumed.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16384)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    private sealed class Setup : IAsyncDisposable
    {
        private Setup(TempDirectory directory, TestPki pki, LoopbackOrigin origin, ApplianceUnderTest box, string host)
        {
            Directory = directory;
            Pki = pki;
            Origin = origin;
            Box = box;
            Host = host;
        }

        public TempDirectory Directory { get; }

        public TestPki Pki { get; }

        public LoopbackOrigin Origin { get; }

        public ApplianceUnderTest Box { get; }

        public string Host { get; }

        public string ApplianceCaPath => Path.Combine(Box.Directory.Path, "tls", "ca.crt");

        public static async Task<Setup> StartAsync(string host, string address, string? certificateName = null, bool expired = false, Action<Dictionary<string, string?>>? configure = null)
        {
            var directory = new TempDirectory();
            var pki = new TestPki(directory.Path);
            var origin = await LoopbackOrigin.StartAsync(address, "origin", pki.Issue(certificateName ?? host, null, expired));
            var box = await ApplianceUnderTest.StartAsync(c =>
            {
                c["Inspection:Enabled"] = "true";
                c["Tls:Mode"] = "Intercept";
                c["Tls:UpstreamTrust:0"] = pki.PemPath;
                configure?.Invoke(c);
            }, hosts: Hosts);
            return new Setup(directory, pki, origin, box, host);
        }

        public string Url(string path) => $"https://{Host}:{Origin.Port}{path}";

        /// <summary>Runs the built <c>egressguard ca export</c> against the box's data directory, as an admin would.</summary>
        public async Task<string> ExportCaWithCliAsync()
        {
            var file = Directory.File("exported-ca.pem");
            var result = await EgressGuardCli.RunWithEnvironmentAsync(Directory.Path, new Dictionary<string, string> { ["EGRESSGUARD__DataDirectory"] = Box.Directory.Path }, "ca", "export", "--out", file);
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal(await File.ReadAllTextAsync(ApplianceCaPath), await File.ReadAllTextAsync(file));
            return file;
        }

        public async ValueTask DisposeAsync()
        {
            await Box.DisposeAsync();
            await Origin.DisposeAsync();
            Pki.Dispose();
            Directory.Dispose();
        }
    }
}
