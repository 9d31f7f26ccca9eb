using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>
/// The cross-border policy through the real proxy with inspection on: registry changes, source groups
/// told apart by the client's loopback source address (curl --interface), uninspected CONNECT and
/// volume tiers counted from real scanner fingerprints.
/// </summary>
public sealed class CrossBorderPolicyTests
{
    private const string Mlps3Client = "127.0.0.9";
    private const string Mlps2Client = "127.0.0.10";

    private static void Inspecting(Dictionary<string, string?> config)
    {
        config["Inspection:Enabled"] = "true";
        config["Proxy:AllowedClients:0"] = "127.0.0.0/8";
    }

    private static void TwoMlpsGroups(Dictionary<string, string?> config)
    {
        Inspecting(config);
        config["SourceGroups:0:Name"] = "core-banking";
        config["SourceGroups:0:Networks:0"] = Mlps3Client + "/32";
        config["SourceGroups:0:MlpsLevel"] = "3";
        config["SourceGroups:0:Uninspected"] = "Block";
        config["SourceGroups:1:Name"] = "office";
        config["SourceGroups:1:Networks:0"] = Mlps2Client + "/32";
        config["SourceGroups:1:MlpsLevel"] = "2";
        config["SourceGroups:1:Uninspected"] = "Allow";
    }

    private static Task<ProcessRunner.Result> PostJson(ApplianceUnderTest box, LoopbackOrigin origin, string json, string? from = null)
    {
        var args = new List<string> { "-s", "-o", "/dev/null", "-w", "%{http_code} %header{x-egressguard-reason}", "-x", box.ProxyUrl, "-H", "Content-Type: application/json", "--data-binary", json };
        if (from is not null)
        {
            args.AddRange(["--interface", from]);
        }

        args.Add(origin.BaseUrl + "/echo");
        return ProcessRunner.CurlAsync([.. args]);
    }

    [Fact]
    public async Task RevokedRecord_StopsCoveringAtOnce()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting, Assessments.One("SC-REV", "country:US"));

        var before = await PostJson(box, origin, "{\"contact\":\"zhang.san@example.com\"}");
        var revoked = box.Running.Registry.Revoke("SC-REV", "functional-test", "contract terminated");
        var after = await PostJson(box, origin, "{\"contact\":\"zhang.san@example.com\"}");

        Assert.Equal("200 ", before.StandardOutput);
        Assert.Equal(Policy.Registry.RegistryOutcome.Stored, revoked.Outcome);
        Assert.Equal("403 AssessmentRevoked", after.StandardOutput);
        var records = await box.RecordsAsync();
        Assert.Contains(records, r => r.Reason == ReasonCode.AssessmentRevoked && r.Decision == TransferVerdict.Block);
        Assert.Equal(["created", "revoked: contract terminated"], box.Running.Registry.Changes("SC-REV").Select(c => c.Change));
    }

    [Fact]
    public async Task RevokedByTheCliInAnotherProcess_IsPickedUpWithoutRestart()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Inspecting, Assessments.One("SC-CLI", "country:US"));
        var config = box.Directory.File("cli.json");
        File.WriteAllText(config, $$"""{ "DataDirectory": "{{box.Directory.Path}}", "Geo": { "Database": "{{RepositoryPaths.Data("geoip", "GeoIP2-Country-Test.mmdb")}}" } }""");

        var revoke = await EgressGuardCli.RunAsync(box.Directory.Path, "assessments", "revoke", "SC-CLI", "--reason", "ended", "--actor", "dpo", "--config", config);
        var outcome = string.Empty;
        for (var i = 0; i < 50 && outcome != "403 AssessmentRevoked"; i++)
        {
            outcome = (await PostJson(box, origin, "{\"contact\":\"li.si@example.com\"}")).StandardOutput;
            await Task.Delay(100);
        }

        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal("403 AssessmentRevoked", outcome);
        var show = await EgressGuardCli.RunAsync(box.Directory.Path, "assessments", "show", "SC-CLI", "--config", config);
        Assert.Contains("2\t", show.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\tdpo\trevoked: ended", show.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mlps3Group_IsRefusedAPersonalInformationFreeRequestToAnUnassessedDestination_Level2Passes()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(TwoMlpsGroups);
        const string clean = "{\"event\":\"heartbeat\"}";

        var mlps3 = await PostJson(box, origin, clean, Mlps3Client);
        var mlps2 = await PostJson(box, origin, clean, Mlps2Client);

        Assert.Equal("403 MlpsDefaultDeny", mlps3.StandardOutput);
        Assert.Equal("200 ", mlps2.StandardOutput);
        var records = await box.RecordsAsync();
        Assert.Contains(records, r => r.Client == Mlps3Client && r.Reason == ReasonCode.MlpsDefaultDeny && r.Decision == TransferVerdict.Block);
        Assert.Contains(records, r => r.Client == Mlps2Client && r.Reason == ReasonCode.NoPersonalInformation && r.Decision == TransferVerdict.Allow);
    }

    [Fact]
    public async Task UninspectedConnect_IsBlockedOrAllowedAsTheGroupSays()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(TwoMlpsGroups, Assessments.One("SC-TLS", "country:US"));

        var blocked = await ProcessRunner.CurlAsync("-k", "-p", "-v", "--interface", Mlps3Client, "-x", box.ProxyUrl, origin.BaseUrl + "/");
        var allowed = await ProcessRunner.CurlAsync("-k", "-p", "--interface", Mlps2Client, "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("X-EgressGuard-Reason: Uninspected", blocked.StandardError, StringComparison.Ordinal);
        Assert.Equal("hello from us-tls", allowed.StandardOutput);
        var record = await box.WaitForRecordAsync(r => r.Kind == TransferKind.Tunnel && r.Client == Mlps2Client);
        Assert.Equal((TransferVerdict.Allow, ReasonCode.CoveredByAssessment), (record.Decision, record.Reason));
    }

    [Fact]
    public async Task UninspectedConnect_AllowGroup_UnassessedDestination_TunnelsWithReasonUninspected()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-tls", tls: true);
        await using var box = await ApplianceUnderTest.StartAsync(TwoMlpsGroups);

        var allowed = await ProcessRunner.CurlAsync("-k", "-p", "--interface", Mlps2Client, "-x", box.ProxyUrl, origin.BaseUrl + "/");

        Assert.Equal("hello from us-tls", allowed.StandardOutput);
        var record = await box.WaitForRecordAsync(r => r.Kind == TransferKind.Tunnel);
        Assert.Equal((TransferVerdict.Allow, ReasonCode.Uninspected), (record.Decision, record.Reason));
    }

    [Fact]
    public async Task ExemptRecordPastItsTier_BlocksTheNewPerson_WhileAPersonAlreadyCountedStillPasses()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        var exempt = Assessments.One("EX-LOW", "country:US", mechanism: "Exempt")
            .Replace("\"Mechanism\": \"Exempt\",", "\"Mechanism\": \"Exempt\", \"ExemptBasis\": \"BelowThreshold\",", StringComparison.Ordinal)
            .Replace("[\"*\"]", "[\"email\"]", StringComparison.Ordinal)
            .Replace("\"SensitiveIncluded\": true", "\"SensitiveIncluded\": false", StringComparison.Ordinal);
        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            Inspecting(c);
            c["Policy:Thresholds:StandardContract"] = "3"; // "3 or more" needs a contract: the exemption allows 2 people
        }, exempt);

        var first = await PostJson(box, origin, "{\"user\":{\"email\":\"wang.wu@example.com\"}}");
        var second = await PostJson(box, origin, "{\"user\":{\"email\":\"zhao.liu@example.com\"}}");
        var third = await PostJson(box, origin, "{\"user\":{\"email\":\"sun.qi@example.com\"}}");
        var firstAgain = await PostJson(box, origin, "{\"user\":{\"email\":\"wang.wu@example.com\"}}");

        Assert.Equal(["200 ", "200 ", "403 VolumeTierExceeded", "200 "], new[] { first, second, third, firstAgain }.Select(r => r.StandardOutput));
        var blocked = Assert.Single(await box.RecordsAsync(), r => r.Reason == ReasonCode.VolumeTierExceeded);
        Assert.Equal("EX-LOW", blocked.AssessmentId);
        Assert.Equal(2, box.Running.Volume.Totals("EX-LOW", DateTimeOffset.UtcNow).NonSensitive);
    }
}
