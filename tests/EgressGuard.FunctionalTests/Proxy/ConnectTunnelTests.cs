using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>CONNECT through the real appliance with <c>curl -p</c> to a TLS origin on loopback.</summary>
public sealed class ConnectTunnelTests
{
    [Fact]
    public async Task Connect_ToUnassessedForeignDestination_Is403BeforeAnyTunnelOpens()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync();

        var result = await ProcessRunner.CurlAsync("-k", "-p", "-v", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("403", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("X-EgressGuard-Reason: NoAssessment", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, origin.Connections);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferKind.Tunnel, record.Kind);
        Assert.Equal("CONNECT", record.Method);
        Assert.Equal(TransferVerdict.Block, record.Decision);
        Assert.Equal(403, record.Status);
    }

    [Fact]
    public async Task Connect_CoveredByAssessment_TunnelsTlsBytesBothWays_AndRecordsThemWhenClosed()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(assessmentsJson: Assessments.One("SC-9", "127.0.0.2/32"));
        var payload = new string('p', 50_000);

        var result = await ProcessRunner.CurlAsync("-k", "-p", "-x", box.ProxyUrl, "--data-binary", payload, origin.BaseUrl + "/echo");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(payload, result.StandardOutput);
        var record = await box.WaitForRecordAsync(r => r.Kind == TransferKind.Tunnel);
        Assert.Equal(TransferVerdict.Allow, record.Decision);
        Assert.Equal("SC-9", record.AssessmentId);
        Assert.Equal(200, record.Status);
        Assert.True(record.BytesUp > 50_000, "bytes up include the TLS-wrapped body: " + record.BytesUp);
        Assert.True(record.BytesDown > 50_000, "bytes down include the TLS-wrapped echo: " + record.BytesDown);
    }

    [Fact]
    public async Task Connect_BulkTransferBothWays_ArrivesByteForByte()
    {
        // 24 MiB of random bytes up and the same echoed down: the bulk paths of the relay (64 KiB
        // reads after a full one, 16 KiB and a zero-byte wait otherwise) and the transport's 64 KiB blocks.
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(assessmentsJson: Assessments.One("SC-9", "127.0.0.2/32"));
        using var dir = new TempDirectory();
        var payload = new byte[24 * 1024 * 1024];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(dir.File("up.bin"), payload);

        var result = await ProcessRunner.CurlAsync("-k", "-p", "-sS", "-x", box.ProxyUrl, "-H", "Expect:", "-H", "Content-Type: application/octet-stream",
            "--data-binary", "@" + dir.File("up.bin"), "-o", dir.File("down.bin"), origin.BaseUrl + "/echo");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(payload), System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(dir.File("down.bin"))));
        var record = await box.WaitForRecordAsync(r => r.Kind == TransferKind.Tunnel);
        Assert.True(record.BytesUp > payload.Length && record.BytesDown > payload.Length, $"counted {record.BytesUp} up, {record.BytesDown} down");
    }

    [Fact]
    public async Task Connect_InMonitorMode_TunnelsAndRecordsReport()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.4", "hk-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Mode"] = "Monitor");

        var result = await ProcessRunner.CurlAsync("-k", "-p", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Equal("hello from hk-tls", result.StandardOutput);
        var record = await box.WaitForRecordAsync(r => r.Kind == TransferKind.Tunnel);
        Assert.Equal(TransferVerdict.Report, record.Decision);
        Assert.Equal("HK", record.Country);
    }

    [Fact]
    public async Task Connect_ToAPortOutsideConnectPorts_IsRefused()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Proxy:ConnectPorts:0"] = "443");

        var result = await ProcessRunner.CurlAsync("-k", "-p", "-v", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Contains("X-EgressGuard-Reason: PortNotAllowed", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, origin.Connections);
    }

    [Fact]
    public async Task Connect_ToAClosedPort_Gets502AndIsRecordedAsFailed()
    {
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Mode"] = "Monitor");

        var result = await ProcessRunner.CurlAsync("-k", "-p", "-v", "-x", box.ProxyUrl, "https://127.0.0.3:1/");

        Assert.Contains("502", result.StandardError, StringComparison.Ordinal);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Failed, record.Decision);
        Assert.Equal(ReasonCode.UpstreamUnreachable, record.Reason);
    }

    [Fact]
    public async Task Connect_OverTheTunnelCap_Gets503TunnelLimitReached()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Proxy:MaxConcurrentTunnels"] = "1");
        using var holder = new System.Net.Sockets.TcpClient();
        await holder.ConnectAsync(System.Net.IPAddress.Loopback, box.ProxyPort);
        var stream = holder.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"CONNECT 127.0.0.3:{origin.Port} HTTP/1.1\r\nHost: 127.0.0.3\r\n\r\n"));
        var opened = await RawHttp.ReadResponseAsync(stream, TimeSpan.FromSeconds(2));
        Assert.StartsWith("HTTP/1.1 200", opened, StringComparison.Ordinal);

        var second = await ProcessRunner.CurlAsync("-k", "-p", "-v", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Contains("X-EgressGuard-Reason: TunnelLimitReached", second.StandardError, StringComparison.Ordinal);
        Assert.Contains("503", second.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_IdleTunnel_IsClosedAfterTheIdleTimeout_AndRecorded()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Proxy:TunnelIdleTimeout"] = "1s");
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, box.ProxyPort);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"CONNECT 127.0.0.3:{origin.Port} HTTP/1.1\r\nHost: 127.0.0.3\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200", await RawHttp.ReadResponseAsync(stream, TimeSpan.FromSeconds(2)), StringComparison.Ordinal);

        var rest = await RawHttp.ReadResponseAsync(stream, TimeSpan.FromSeconds(30));

        Assert.Equal(string.Empty, rest);
        var record = await box.WaitForRecordAsync(r => r.Kind == TransferKind.Tunnel);
        Assert.Equal(TransferVerdict.Allow, record.Decision);
        Assert.Equal(0, record.BytesUp);
        Assert.True(record.Duration >= TimeSpan.FromSeconds(1), "closed before the idle timeout: " + record.Duration);
    }

    [Fact]
    public async Task Connect_HostHeaderWithoutPortAndBytesSentBeforeThe200_AreAccepted()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-plain");
        await using var box = await ApplianceUnderTest.StartAsync();
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, box.ProxyPort);
        var stream = client.GetStream();

        // Head and the first tunnelled request in one write: the bytes after the head must reach the origin.
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"CONNECT 127.0.0.3:{origin.Port} HTTP/1.1\r\nHost: 127.0.0.3\r\n\r\nGET /x HTTP/1.1\r\nHost: 127.0.0.3\r\nConnection: close\r\n\r\n"));
        var answer = await RawHttp.ReadResponseAsync(stream, TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Contains("hello from cn-plain", answer, StringComparison.Ordinal);
    }
}
