using System.IO.Compression;
using System.Text;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>Content inspection in the proxy path: real curl bodies (JSON, gzip, multipart, query) to loopback origins.</summary>
public sealed class InspectionTests
{
    // Valid resident ID from python-stdnum's doctest (tests/data/pii-vectors/cn_resident_id_18.tsv).
    private const string ResidentId = "360426199101010071";
    private const string PersonJson = "{\"customer\":{\"name\":\"张三\",\"idCard\":\"" + ResidentId + "\",\"city\":\"Shanghai\"}}";
    private const string CleanJson = "{\"event\":\"heartbeat\",\"build\":\"20261125.3\",\"uptime\":123456789,\"trace\":\"9f86d081884c7d659a2feaa0c55ad015\"}";

    private static void Inspecting(Dictionary<string, string?> config) => config["Inspection:Enabled"] = "true";

    [Fact]
    public async Task PostWithResidentId_ToUnassessedForeignDestination_IsBlockedWithTheTypeInTheReason()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting);

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", PersonJson, origin.BaseUrl + "/echo");

        Assert.StartsWith("HTTP/1.1 403", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("X-EgressGuard-Reason: NoAssessment", result.StandardOutput, StringComparison.Ordinal);
        var findingsHeader = result.StandardOutput.Split("\r\n").Single(l => l.StartsWith("X-EgressGuard-Findings: ", StringComparison.Ordinal));
        Assert.Contains("cn_resident_id", findingsHeader.Split(' ')[1].Split(','));
        Assert.DoesNotContain(ResidentId, result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, origin.Connections);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Block, record.Decision);
        Assert.Equal("Complete", record.Inspection);
        var finding = Assert.Single(record.Findings, f => f.Type == "cn_resident_id");
        Assert.Equal(1, finding.Count);
        Assert.True(finding.Sensitive);
        Assert.DoesNotContain(ResidentId, finding.Masked, StringComparison.Ordinal);
        Assert.False(LedgerFilesContain(box, ResidentId), "the raw identifier reached the ledger files");
    }

    [Fact]
    public async Task PostWithoutPersonalInformation_ToUnassessedForeignDestination_PassesAndIsRecorded()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting);

        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", CleanJson, origin.BaseUrl + "/echo");

        Assert.Equal(CleanJson, result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Allow, record.Decision);
        Assert.Equal(ReasonCode.NoPersonalInformation, record.Reason);
        Assert.Equal("Complete", record.Inspection);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public async Task GzipBodyWithResidentId_IsDecodedAndBlocked()
    {
        using var dir = new TempDirectory();
        var file = dir.File("body.json.gz");
        await using (var gzip = new GZipStream(File.Create(file), CompressionLevel.Optimal))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(PersonJson));
        }

        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting);

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "-H", "Content-Encoding: gzip", "--data-binary", "@" + file, origin.BaseUrl + "/echo");

        Assert.StartsWith("HTTP/1.1 403", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cn_resident_id", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, origin.CompletedBodies);
    }

    [Fact]
    public async Task MultipartCsvUploadWithMobiles_IsBlocked()
    {
        using var dir = new TempDirectory();
        var csv = dir.File("customers.csv");
        await File.WriteAllTextAsync(csv, "姓名,手机号,城市\n张三,13800138000,上海\n李四,13912345678,北京\n");
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting);

        var result = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, "-F", "comment=quarterly export", "-F", $"file=@{csv};type=text/csv", origin.BaseUrl + "/echo");

        Assert.StartsWith("HTTP/1.1 403", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cn_mobile", result.StandardOutput, StringComparison.Ordinal);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(2, Assert.Single(record.Findings, f => f.Type == "cn_mobile").Count);
    }

    [Fact]
    public async Task MobileInTheQueryString_IsFoundAndBlocked()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting);

        var result = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, origin.BaseUrl + "/track?phone=13800138000&ref=home");

        Assert.Equal("403", result.StandardOutput);
        Assert.Contains(Assert.Single(await box.RecordsAsync()).Findings, f => f.Type == "cn_mobile");
    }

    [Fact]
    public async Task FindingPastTheHoldWindow_StopsTheUpstreamRequest_AndIsRecorded()
    {
        using var dir = new TempDirectory();
        var file = dir.File("big.json");
        var filler = new StringBuilder("{\"rows\":[");
        for (var i = 0; filler.Length < 300_000; i++)
        {
            filler.Append("{\"n\":").Append(i).Append(",\"v\":\"ok\"},");
        }

        filler.Append("{\"idCard\":\"").Append(ResidentId).Append("\"}]}");
        await File.WriteAllTextAsync(file, filler.ToString());
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            Inspecting(c);
            c["Inspection:MaxHoldBytes"] = "65536";
        });

        var result = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", "@" + file, origin.BaseUrl + "/echo");

        Assert.NotEqual("200", result.StandardOutput);
        Assert.Equal(0, origin.CompletedBodies);
        var record = await box.WaitForRecordAsync(r => r.Method == "POST");
        Assert.Equal(TransferVerdict.Block, record.Decision);
        Assert.Equal("Stopped", record.Inspection);
        Assert.Contains(record.Findings, f => f.Type == "cn_resident_id");
        Assert.True(record.BytesUp < filler.Length, $"the whole body ({filler.Length} bytes) was forwarded: {record.BytesUp}");
    }

    [Fact]
    public async Task CleanBodyLargerThanTheHoldWindow_StreamsThroughIntact()
    {
        var body = new string('a', 3 * 1024 * 1024);
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            Inspecting(c);
            c["Inspection:MaxHoldBytes"] = "65536";
        });
        using var handler = new HttpClientHandler { Proxy = new System.Net.WebProxy(box.ProxyUrl), UseProxy = true };
        using var client = new HttpClient(handler);

        using var response = await client.PostAsync(origin.BaseUrl + "/echo", new StringContent(body));
        var echoed = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, echoed.Length);
        Assert.Equal(body, echoed);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(ReasonCode.NoPersonalInformation, record.Reason);
        Assert.Equal(body.Length, record.BytesUp);
    }

    [Fact]
    public async Task MonitorMode_PostWithResidentId_IsForwardedAndReported()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.4", "hk-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            Inspecting(c);
            c["Mode"] = "Monitor";
        });

        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", PersonJson, origin.BaseUrl + "/echo");

        Assert.Equal(PersonJson, result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(TransferVerdict.Report, record.Decision);
        Assert.Equal(ReasonCode.NoAssessment, record.Reason);
        Assert.Contains(record.Findings, f => f.Type == "cn_resident_id");
    }

    [Fact]
    public async Task AssessmentPermittingOnlyEmail_LetsAnEmailPass_AndBlocksAResidentIdAsCategoryNotCovered()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        var assessment = Assessments.One("SC-EMAIL", "country:US").Replace("[\"*\"]", "[\"email\"]", StringComparison.Ordinal);
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting, assessment);

        var email = await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", "{\"contact\":\"zhang.san@example.com\"}", origin.BaseUrl + "/echo");
        var id = await ProcessRunner.CurlAsync("-i", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", PersonJson, origin.BaseUrl + "/echo");

        Assert.Equal("200", email.StandardOutput);
        Assert.Contains("X-EgressGuard-Reason: CategoryNotCovered", id.StandardOutput, StringComparison.Ordinal);
        var records = await box.RecordsAsync();
        Assert.Contains(records, r => r.Reason == ReasonCode.CoveredByAssessment && r.AssessmentId == "SC-EMAIL" && r.Findings.Any(f => f.Type == "email"));
        Assert.Contains(records, r => r.Reason == ReasonCode.CategoryNotCovered && r.Decision == TransferVerdict.Block);
    }

    [Fact]
    public async Task DomesticDestination_IsNotInspected()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting);

        var result = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", PersonJson, origin.BaseUrl + "/echo");

        Assert.Equal(PersonJson, result.StandardOutput);
        var record = Assert.Single(await box.RecordsAsync());
        Assert.Equal(ReasonCode.Domestic, record.Reason);
        Assert.Null(record.Inspection);
    }

    private static bool LedgerFilesContain(ApplianceUnderTest box, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in Directory.GetFiles(Path.Combine(box.Settings.DataDirectory, "ledger"), "*", SearchOption.AllDirectories))
        {
            // The writer's lock file is empty and held exclusively while the appliance runs.
            if (file.EndsWith(".lock", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.ToArray().AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
