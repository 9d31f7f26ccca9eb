using EgressGuard.Configuration;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Hosting;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>Config file changes while the appliance runs: a valid one becomes one new snapshot, an invalid one is refused.</summary>
public sealed class PolicyHotReloadTests
{
    private static string Config(TempDirectory dir, string extra) => $$"""
        {
          "Mode": "Enforce",
          "DataDirectory": "{{dir.Path}}",
          "Proxy": { "Listen": ["127.0.0.1:0"], "AllowedClients": ["127.0.0.0/8"], "AllowPrivateDestinations": ["127.0.0.2/32"], "ConnectPorts": ["*"] },
          "Console": { "Listen": ["127.0.0.1:0"] },
          "Inspection": { "Enabled": true },
          "Geo": { "Database": "{{RepositoryPaths.Data("geoip", "GeoIP2-Country-Test.mmdb")}}", "Overrides": [ { "Network": "127.0.0.2/32", "Country": "US" } ] }{{extra}}
        }
        """;

    [Fact]
    public async Task ConfigFileChange_AddingAnMlps3Group_TakesEffect_AndAnInvalidChangeIsRefused()
    {
        using var dir = new TempDirectory();
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        var path = dir.File("egressguard.json");
        File.WriteAllText(path, Config(dir, string.Empty));
        var loaded = ConfigLoader.Load(path, includeEnvironment: false);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var started = await Appliance.StartAsync(loaded.Settings!, new ApplianceStartOptions { MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
        Assert.True(started.Appliance is not null, string.Join("\n", started.Errors));
        await using var running = started.Appliance;
        var proxy = $"http://{running.ProxyEndpoints[0]}";
        async Task<string> Post() => (await ProcessRunner.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code} %header{x-egressguard-reason}", "-x", proxy,
            "-H", "Content-Type: application/json", "--data-binary", "{\"event\":\"heartbeat\"}", origin.BaseUrl + "/echo")).StandardOutput;

        var before = await Post();
        File.WriteAllText(path, Config(dir, """, "SourceGroups": [ { "Name": "vault", "Networks": ["127.0.0.0/8"], "MlpsLevel": 3 } ]"""));
        running.ReloadPolicy();
        var afterValid = await Post();
        var generation = running.Policy.Current.Generation;
        File.WriteAllText(path, Config(dir, """, "SourceGroups": [ { "Name": "vault", "Networks": ["127.0.0.0/8"], "MlpsLevel": 9, "Colour": "red" } ]"""));
        running.ReloadPolicy();
        var afterInvalid = await Post();

        Assert.Equal("200 ", before);
        Assert.Equal("403 MlpsDefaultDeny", afterValid);
        Assert.Equal(generation, running.Policy.Current.Generation);
        Assert.Equal("403 MlpsDefaultDeny", afterInvalid);
        Assert.Equal("vault", Assert.Single(running.Policy.Current.SourceGroups.Groups).Name);
    }

    [Fact]
    public async Task AssessmentsCli_CsvImportExportDueAndStatus_WorkOnTheRegistry()
    {
        using var dir = new TempDirectory();
        var config = dir.File("egressguard.json");
        File.WriteAllText(config, Config(dir, string.Empty).Replace("\"Listen\": [\"127.0.0.1:0\"], \"AllowedClients\"", "\"Listen\": [\"127.0.0.1:3128\"], \"AllowedClients\"", StringComparison.Ordinal));
        var soon = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(dir.File("in.csv"),
            "Id,Recipient,Mechanism,ExemptBasis,Destinations,Categories,ValidFrom,ValidTo\r\n" +
            $"SA-1,Partner,SecurityAssessment,,*.partner.example;198.51.100.0/24,email;cn_mobile,2024-01-01,{soon}\r\n" +
            "EX-1,HR Co,Exempt,HumanResources,country:HK,*,2024-01-01,2099-12-31\r\n");
        File.WriteAllText(dir.File("bad.csv"), "Id,Recipient,Mechanism,Destinations,Categories,ValidFrom,ValidTo\r\nB-1,X,Exempt,10.0.0.1/8,shoe_size,2026-02-01,2026-01-01\r\n");

        var import = await EgressGuardCli.RunAsync(dir.Path, "assessments", "import", dir.File("in.csv"), "--config", config);
        var bad = await EgressGuardCli.RunAsync(dir.Path, "assessments", "import", dir.File("bad.csv"), "--config", config);
        var export = await EgressGuardCli.RunAsync(dir.Path, "assessments", "export", "--format", "csv", "--config", config);
        var due = await EgressGuardCli.RunAsync(dir.Path, "assessments", "due", "--config", config);
        var status = await EgressGuardCli.RunAsync(dir.Path, "assessments", "status", "--config", config);

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("2 added", import.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("line 2:", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("ExemptBasis is required", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("'shoe_size'", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("ValidTo 2026-01-01 is before ValidFrom 2026-02-01", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("SA-1,1,Partner,", export.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("*.partner.example;198.51.100.0/24", export.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("SA-1\tSecurityAssessment\t" + soon, due.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("EX-1", due.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("EX-1\tExempt/HumanResources\tActive\t0\t0\tExempt (BelowThreshold) or any\tyes", status.StandardOutput, StringComparison.Ordinal);
    }
}
