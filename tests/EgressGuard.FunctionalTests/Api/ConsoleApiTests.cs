using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;
using EgressGuard.WebConsole.Security;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Api;

/// <summary>The console port's HTTP API as an auditor's script calls it: real HttpClient, real appliance.</summary>
public sealed class ConsoleApiTests
{
    private static string AuditorKey => ApiKeys.Auditor;

    private static string AdminKey => ApiKeys.Admin;

    private static void WithKeys(Dictionary<string, string?> config) => ApiKeys.Configure(config);

    private static HttpClient Client(ApplianceUnderTest box, string? key) => ApiKeys.Client(box, key);

    [Fact]
    public async Task Transfers_WithoutAKey_Is401WithAChallenge_AndAWrongKeyIs401Too()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);

        using var anonymous = Client(box, null);
        using var none = await anonymous.GetAsync("/api/v1/transfers");
        using var wrong = Client(box, ApiKey.NewSecret());
        using var bad = await wrong.GetAsync("/api/v1/transfers");
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/v1/transfers");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");
        using var basicResponse = await anonymous.SendAsync(basic);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("API key is required", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, basicResponse.StatusCode);
    }

    [Fact]
    public async Task Transfers_WithNoKeysConfigured_RefusesEveryCall()
    {
        await using var box = await ApplianceUnderTest.StartAsync();
        using var client = Client(box, AuditorKey);

        using var response = await client.GetAsync("/api/v1/transfers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Transfers_AsAuditor_ListsTheBlockedTransferWithItsReason_AndFiltersByDecision()
    {
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var cn = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        Assert.Equal(0, (await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, us.BaseUrl + "/upload")).ExitCode);
        Assert.Equal(0, (await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, cn.BaseUrl + "/domestic")).ExitCode);
        await box.WaitForRecordsAsync(2);
        using var client = Client(box, AuditorKey);

        using var all = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers"));
        using var blocked = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers?decision=Block"));

        Assert.Equal(2, all.RootElement.GetProperty("count").GetInt32());
        var only = Assert.Single(blocked.RootElement.GetProperty("transfers").EnumerateArray());
        Assert.Equal("NoAssessment", only.GetProperty("reason").GetString());
        Assert.Equal("US", only.GetProperty("country").GetString());
        Assert.Equal(JsonValueKind.Null, blocked.RootElement.GetProperty("nextOffset").ValueKind);
    }

    [Fact]
    public async Task Transfers_FilterByPersonalInformationTypeAndByAssessment()
    {
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var hk = await LoopbackOrigin.StartAsync("127.0.0.4", "hk-origin");
        await using var box = await ApplianceUnderTest.StartAsync(
            c =>
            {
                WithKeys(c);
                c["Inspection:Enabled"] = "true";
            },
            assessmentsJson: Assessments.One("SA-HK-1", "127.0.0.4/32"));
        await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", "{\"idCard\":\"360426199101010071\"}", us.BaseUrl + "/echo");
        await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, us.BaseUrl + "/plain");
        await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", "{\"mobile\":\"13800138000\"}", hk.BaseUrl + "/covered");
        Assert.Equal(3, (await box.WaitForRecordsAsync(3)).Count);
        using var client = Client(box, AuditorKey);

        using var withId = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers?piType=cn_resident_id"));
        using var covered = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers?assessment=SA-HK-1"));
        using var none = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers?piType=bank_card"));

        var finding = Assert.Single(withId.RootElement.GetProperty("transfers").EnumerateArray());
        Assert.Equal("Block", finding.GetProperty("decision").GetString());
        Assert.Equal("cn_resident_id", finding.GetProperty("findings")[0].GetProperty("type").GetString());
        var hkTransfer = Assert.Single(covered.RootElement.GetProperty("transfers").EnumerateArray());
        Assert.Equal("127.0.0.4", hkTransfer.GetProperty("host").GetString());
        Assert.Equal("Allow", hkTransfer.GetProperty("decision").GetString());
        Assert.Equal(0, none.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Transfers_PagesWithLimitAndOffset()
    {
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        for (var i = 0; i < 5; i++)
        {
            await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, $"{us.BaseUrl}/r{i}");
        }

        await box.WaitForRecordsAsync(5);
        using var client = Client(box, AdminKey);

        using var first = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers?limit=2"));
        var next = first.RootElement.GetProperty("nextOffset").GetInt64();
        using var second = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/transfers?limit=2&offset={next}"));
        using var last = JsonDocument.Parse(await client.GetStringAsync("/api/v1/transfers?limit=2&offset=4"));

        Assert.Equal(2, next);
        Assert.Equal(2, second.RootElement.GetProperty("count").GetInt32());
        Assert.NotEqual(
            first.RootElement.GetProperty("transfers")[0].GetProperty("id").GetString(),
            second.RootElement.GetProperty("transfers")[0].GetProperty("id").GetString());
        Assert.Equal(1, last.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, last.RootElement.GetProperty("nextOffset").ValueKind);
    }

    [Fact]
    public async Task Transfers_WithBadParameters_Is400ListingEachError()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var client = Client(box, AuditorKey);

        using var response = await client.GetAsync("/api/v1/transfers?from=yesterday&decision=Maybe&limit=0&contry=US&reason=3");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = body.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(errors, e => e.StartsWith("from:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("decision:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("limit:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("contry: unknown parameter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("reason:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownPath_Is404Json_AndHealthIsOpenButSaysNothing()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var client = Client(box, null);

        using var missing = await client.GetAsync("/api/v1/nothing-here");
        var health = await client.GetStringAsync("/healthz");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok\n", health);
    }

    [Fact]
    public async Task AddKeyCommand_PrintsAKeyWhoseHashTheConsoleAccepts()
    {
        using var dir = new TempDirectory();
        var made = await EgressGuardCli.RunAsync(dir.Path, "console", "add-key", "--name", "auditor 1", "--role", "auditor");
        Assert.Equal(0, made.ExitCode);
        var secret = made.StandardOutput.Trim();
        var entry = JsonDocument.Parse(made.StandardError[made.StandardError.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        Assert.StartsWith(ApiKey.SecretPrefix, secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, made.StandardError, StringComparison.Ordinal);

        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            c["Console:ApiKeys:0:Name"] = entry.GetProperty("Name").GetString();
            c["Console:ApiKeys:0:Role"] = entry.GetProperty("Role").GetString();
            c["Console:ApiKeys:0:Sha256"] = entry.GetProperty("Sha256").GetString();
        });
        using var client = Client(box, secret);
        using var response = await client.GetAsync("/api/v1/transfers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Config_WithBadKeys_ListsEveryError_AndTheDefaultListenIsLoopback8080()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Console:Listen:0"] = "0.0.0.0",
            ["Console:ApiKeys:0:Name"] = "ops",
            ["Console:ApiKeys:0:Role"] = "root",
            ["Console:ApiKeys:0:Sha256"] = "not-a-hash",
            ["Console:ApiKeys:1:Name"] = "ops",
            ["Console:ApiKeys:1:Role"] = "admin",
            ["Console:ApiKeys:1:Sha256"] = new string('a', 64),
            ["Console:ApiKeys:1:Secret"] = "plaintext",
        }).Build();

        var loaded = EgressGuard.Configuration.ConfigLoader.Validate(configuration, Path.GetTempPath(), null);
        var defaults = EgressGuard.Configuration.ConfigLoader.Validate(new ConfigurationBuilder().Build(), Path.GetTempPath(), null);

        Assert.False(loaded.Succeeded);
        Assert.Contains(loaded.Errors, e => e.StartsWith("Console:Listen:0:", StringComparison.Ordinal));
        Assert.Contains(loaded.Errors, e => e.StartsWith("Console:ApiKeys:0:Role:", StringComparison.Ordinal));
        Assert.Contains(loaded.Errors, e => e.StartsWith("Console:ApiKeys:0:Sha256:", StringComparison.Ordinal));
        Assert.Contains(loaded.Errors, e => e.StartsWith("Console:ApiKeys:1:Name: 'ops' is used by another key", StringComparison.Ordinal));
        Assert.Contains(loaded.Errors, e => e.StartsWith("Console:ApiKeys:1:Secret: unknown setting", StringComparison.Ordinal));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 8080), Assert.Single(defaults.Settings!.Console.Listen));
        Assert.Empty(defaults.Settings.Console.ApiKeys);
    }
}
