using System.Net;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>
/// The spine end to end: real curl and HttpClient through the real appliance to real Kestrel
/// origins on 127.0.0.2 (US), 127.0.0.3 (CN) and 127.0.0.4 (HK).
/// </summary>
public sealed class ExplicitProxyTests
{
    [Fact]
    public async Task DomesticDestination_AnyMode_IsForwardedAndRecordedAsAllow()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync();

        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, origin.BaseUrl + "/hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello from cn-origin", result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Allow, record.Decision);
        Assert.Equal(ReasonCode.Domestic, record.Reason);
        Assert.Equal("CN", record.Country);
        Assert.False(record.Outbound);
        Assert.Equal("127.0.0.3", record.Ip);
        Assert.Equal(origin.Port, record.Port);
        Assert.Equal(200, record.Status);
        Assert.Equal("GET", record.Method);
        Assert.Equal("20".Length + "hello from cn-origin".Length - 2, record.BytesDown);
        Assert.NotNull(record.GeoDatabaseBuild);
    }

    [Fact]
    public async Task OutboundDestination_EnforceWithoutAssessment_Gets403PageAndIsRecordedAsBlock()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync();

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, origin.BaseUrl + "/upload");

        Assert.StartsWith("HTTP/1.1 403", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("X-EgressGuard-Reason: NoAssessment", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("NoAssessment", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("127.0.0.2:" + origin.Port, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("<dd>US</dd>", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, origin.Connections);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Contains(record.Id.ToString("D"), result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(TransferVerdict.Block, record.Decision);
        Assert.Equal(ReasonCode.NoAssessment, record.Reason);
        Assert.Equal("US", record.Country);
        Assert.True(record.Outbound);
        Assert.Equal(403, record.Status);
    }

    [Fact]
    public async Task OutboundDestination_MonitorWithoutAssessment_IsForwardedButRecordedAsReport()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Mode"] = "Monitor");

        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Equal("hello from us-origin", result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Report, record.Decision);
        Assert.Equal(ReasonCode.NoAssessment, record.Reason);
        Assert.Equal(EgressGuard.Policy.Decisions.EnforcementMode.Monitor, record.Mode);
    }

    [Fact]
    public async Task HongKongDestination_Enforce_IsOutboundAndBlocked()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.4", "hk-origin");
        await using var box = await ApplianceUnderTest.StartAsync();

        var result = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Equal("403", result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal("HK", record.Country);
        Assert.True(record.Outbound);
        Assert.Equal(TransferVerdict.Block, record.Decision);
    }

    [Theory]
    [InlineData("api.partner.example")]
    [InlineData("*.partner.example")]
    [InlineData("127.0.0.2/32")]
    [InlineData("127.0.0.0/30")]
    [InlineData("country:US")]
    public async Task OutboundDestination_CoveredByAssessmentPattern_IsForwardedWithTheRecordId(string pattern)
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(
            assessmentsJson: Assessments.One("SA-1", pattern),
            hosts: new Dictionary<string, string> { ["api.partner.example"] = "127.0.0.2" });

        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, $"http://api.partner.example:{origin.Port}/");

        Assert.Equal("hello from us-origin", result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Allow, record.Decision);
        Assert.Equal(ReasonCode.CoveredByAssessment, record.Reason);
        Assert.Equal("SA-1", record.AssessmentId);
        Assert.Equal("api.partner.example", record.Host);
        Assert.Equal("127.0.0.2", record.Ip);
    }

    [Fact]
    public async Task WildcardPattern_ApexHost_IsNotCovered()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(
            assessmentsJson: Assessments.One("SA-1", "*.partner.example"),
            hosts: new Dictionary<string, string> { ["partner.example"] = "127.0.0.2" });

        var result = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, $"http://partner.example:{origin.Port}/");

        Assert.Equal("403", result.StandardOutput);
    }

    [Fact]
    public async Task ExpiredAssessment_DoesNotCover_AndTheReasonSaysExpired()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(assessmentsJson: Assessments.One("OLD-1", "country:US", "2020-01-01", "2023-12-31"));

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Contains("X-EgressGuard-Reason: AssessmentExpired", result.StandardOutput, StringComparison.Ordinal);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(ReasonCode.AssessmentExpired, record.Reason);
        Assert.Null(record.AssessmentId);
    }

    [Fact]
    public async Task AssessmentFile_ChangedWhileRunning_TakesEffectWithoutRestart()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync();
        var before = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, origin.BaseUrl + "/");
        Assert.Equal("403", before.StandardOutput);

        box.WriteAssessments(Assessments.One("NEW-1", "127.0.0.2/32"));
        string code = string.Empty;
        for (var i = 0; i < 50 && code != "200"; i++)
        {
            await Task.Delay(200);
            code = (await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, origin.BaseUrl + "/")).StandardOutput;
        }

        Assert.Equal("200", code);
        Assert.Contains(await box.RecordsAsync(), r => r.AssessmentId == "NEW-1");
    }

    [Fact]
    public async Task AssessmentFile_ReplacedByAnInvalidOne_KeepsThePreviousRecords()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(assessmentsJson: Assessments.One("GOOD-1", "country:US"));
        var generation = box.Running.Policy.Current.Generation;

        box.WriteAssessments("[{\"Id\": \"BROKEN\", \"ValidFrom\": \"yesterday\"}]");
        box.Running.ReloadAssessments();

        Assert.Equal(generation, box.Running.Policy.Current.Generation);
        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, origin.BaseUrl + "/");
        Assert.Equal("hello from us-origin", result.StandardOutput);
    }

    [Fact]
    public async Task PrivateDestination_NotListed_IsRefusedEvenInMonitorMode()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.5", "lan-server");
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Mode"] = "Monitor");

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.StartsWith("HTTP/1.1 403", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("X-EgressGuard-Reason: PrivateDestination", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, origin.Connections);
        Assert.Equal(ReasonCode.PrivateDestination, Assert.Single(await box.RecordsAsync()).Reason);
    }

    [Fact]
    public async Task ClientOutsideAllowedClients_IsRefused_WhileAnAllowedSourceIsServed()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Proxy:AllowedClients:0"] = "127.0.0.9/32");

        var refused = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, origin.BaseUrl + "/");
        var allowed = await ProcessRunner.CurlAsync("--interface", "127.0.0.9", "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.StartsWith("HTTP/1.1 403", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("X-EgressGuard-Reason: ClientNotAllowed", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("hello from cn-origin", allowed.StandardOutput);
        Assert.Equal(1, origin.Connections);
        var records = await box.RecordsAsync();
        Assert.Contains(records, r => r.Reason == ReasonCode.ClientNotAllowed && r.Client == "127.0.0.1");
        Assert.Contains(records, r => r.Reason == ReasonCode.Domestic && r.Client == "127.0.0.9");
    }

    [Fact]
    public async Task HttpClientWithWebProxy_PostsABodyThroughTheProxy_AndHopByHopAndProxyHeadersAreStripped()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync();
        using var handler = new HttpClientHandler { Proxy = new WebProxy(box.ProxyUrl), UseProxy = true };
        using var client = new HttpClient(handler);

        using var echo = await client.PostAsync(origin.BaseUrl + "/echo", new StringContent(new string('a', 10_000)));
        using var request = new HttpRequestMessage(HttpMethod.Get, origin.BaseUrl + "/headers");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0OnNlY3JldA==");
        request.Headers.TryAddWithoutValidation("X-Drop-Me", "1");
        request.Headers.TryAddWithoutValidation("Connection", "X-Drop-Me");
        request.Headers.TryAddWithoutValidation("X-Keep-Me", "1");
        using var headers = await client.SendAsync(request);
        var seen = await headers.Content.ReadAsStringAsync();

        Assert.Equal(10_000, (await echo.Content.ReadAsByteArrayAsync()).Length);
        Assert.DoesNotContain("Proxy-Authorization", seen, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Drop-Me", seen, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-Keep-Me", seen, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Host: 127.0.0.3:{origin.Port}", seen, StringComparison.Ordinal);
        var post = (await box.RecordsAsync()).First(r => r.Method == "POST");
        Assert.Equal(10_000, post.BytesUp);
        Assert.Equal(10_000, post.BytesDown);
    }

    [Fact]
    public async Task UnresolvableHost_Gets502AndIsRecordedAsFailed()
    {
        await using var box = await ApplianceUnderTest.StartAsync(hosts: new Dictionary<string, string>());

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, "http://no-such-host.invalid/");

        Assert.StartsWith("HTTP/1.1 502", result.StandardOutput, StringComparison.Ordinal);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Failed, record.Decision);
        Assert.Equal(ReasonCode.DestinationUnresolvable, record.Reason);
        Assert.Null(record.Ip);
    }

    [Fact]
    public async Task OriginForm_HealthzAndPac_AreAnsweredByTheProxyItself()
    {
        await using var box = await ApplianceUnderTest.StartAsync();

        var health = await ProcessRunner.CurlAsync(box.ProxyUrl + "/healthz");
        var pac = await ProcessRunner.CurlAsync(box.ProxyUrl + "/proxy.pac");
        var other = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", box.ProxyUrl + "/admin");

        Assert.Contains("\"status\":\"ok\"", health.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"Enforce\"", health.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("FindProxyForURL", pac.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"PROXY 127.0.0.1:{box.ProxyPort}", pac.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain($"PROXY 127.0.0.1:{box.ProxyPort}; DIRECT", pac.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("404", other.StandardOutput);
        Assert.Empty(await box.RecordsAsync());
    }

    [Fact]
    public async Task HttpsAbsoluteForm_IsRefusedWithAHintToUseConnect()
    {
        await using var box = await ApplianceUnderTest.StartAsync();

        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, box.ProxyPort);
        var stream = client.GetStream();
        await stream.WriteAsync("GET https://127.0.0.2/ HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n"u8.ToArray());
        var answer = await RawHttp.ReadResponseAsync(stream);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("CONNECT", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Debug", true)]
    public async Task LoggingSection_OfTheConfig_SetsTheLevelOfPerTransferLines(string? level, bool expectAllowedLine)
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        var logs = new CapturingLoggerProvider();
        await using var box = await ApplianceUnderTest.StartAsync(
            c =>
            {
                if (level is not null)
                {
                    c["Logging:LogLevel:EgressGuard.Proxy"] = level;
                }
            },
            logs: logs);

        await ProcessRunner.CurlAsync("-x", box.ProxyUrl, origin.BaseUrl + "/");
        await ProcessRunner.CurlAsync("-x", box.ProxyUrl, "http://127.0.0.5:9/");
        await box.RecordsAsync();

        // The per-transfer line is written after the response reached curl: wait (bounded) for it.
        for (var i = 0; i < 50 && expectAllowedLine && !(logs.Entries.Any(e => e.EventId == 1007) && logs.Entries.Any(e => e.EventId == 1000)); i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(expectAllowedLine, logs.Entries.Any(e => e.EventId == 1007));
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Yarp", StringComparison.Ordinal) && e.Level < Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal(expectAllowedLine, logs.Entries.Any(e => e.EventId == 1000 && e.Level == Microsoft.Extensions.Logging.LogLevel.Information));
    }
}
