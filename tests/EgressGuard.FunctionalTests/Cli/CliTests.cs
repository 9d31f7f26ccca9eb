using System.Text.Json;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Cli;

/// <summary>The built <c>egressguard</c> program, run as an admin or auditor runs it.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Run_ThenLedgerQuery_PrintsEveryTransferWithTheDocumentedFields()
    {
        using var dir = new TempDirectory();
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var cn = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        var port = EgressGuardCli.FreePort();
        var config = EgressGuardCli.WriteConfig(dir, port);
        var process = EgressGuardCli.Start(dir.Path, "run", "--config", config);
        try
        {
            await EgressGuardCli.WaitForHealthAsync(port, process);
            var proxy = $"http://127.0.0.1:{port}";
            Assert.Equal("hello from cn-origin", (await ProcessRunner.CurlAsync("-x", proxy, cn.BaseUrl + "/")).StandardOutput);
            Assert.Equal("403", (await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, "--data-binary", "{\"idCard\":\"360426199101010071\"}", us.BaseUrl + "/echo")).StandardOutput);
            Assert.NotEqual(0, (await ProcessRunner.CurlAsync("-k", "-p", "-x", proxy, "https://127.0.0.2:443/")).ExitCode);
        }
        finally
        {
            Assert.Equal(0, await EgressGuardCli.StopAsync(process));
        }

        var jsonl = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", config, "--format", "jsonl");
        var csv = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", config, "--format", "csv");
        var blocked = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", config, "--decision", "Block", "--country", "us");
        var future = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", config, "--from", "2999-01-01");

        Assert.Equal(0, jsonl.ExitCode);
        var lines = jsonl.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        string[] fields = ["time", "client", "host", "ip", "port", "country", "outbound", "decision", "reason", "assessmentId", "bytesUp", "bytesDown"];
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            foreach (var field in fields)
            {
                Assert.True(doc.RootElement.TryGetProperty(field, out _), $"field {field} missing in {line}");
            }
        }

        Assert.Contains("\"decision\":\"Allow\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"country\":\"CN\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"decision\":\"Block\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"Tunnel\"", lines[2], StringComparison.Ordinal);
        var csvLines = csv.StandardOutput.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, csvLines.Length);
        Assert.StartsWith("id,time,kind,client,host,ip,port,country,outbound,mode,decision,reason,assessmentId", csvLines[0], StringComparison.Ordinal);
        Assert.Equal(2, blocked.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, future.ExitCode);
        Assert.Empty(future.StandardOutput);
    }

    [Theory]
    [InlineData("bad/cyclic-data-structure.mmdb")]
    [InlineData("bad/invalid-data-record-offset.mmdb")]
    [InlineData("bad/libmaxminddb-corrupt-search-tree.mmdb")]
    [InlineData("bad/libmaxminddb-offset-integer-overflow.mmdb")]
    [InlineData("bad/unexpected-bytes.mmdb")]
    [InlineData("GeoIP2-City-Test-Invalid-Node-Count.mmdb")]
    [InlineData("GeoLite2-ASN-Test.mmdb")]
    [InlineData("does-not-exist.mmdb")]
    public async Task Run_WithABadCountryDatabase_ExitsNonZeroNamingTheFile(string file)
    {
        using var dir = new TempDirectory();
        var database = RepositoryPaths.Data("geoip", file);
        var environment = new Dictionary<string, string>
        {
            ["EGRESSGUARD__Geo__Database"] = database,
            ["EGRESSGUARD__Proxy__Listen__0"] = "127.0.0.1:0",
            ["EGRESSGUARD__Console__Listen__0"] = "127.0.0.1:0",
        };

        var result = await EgressGuardCli.RunWithEnvironmentAsync(dir.Path, environment, "run");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(database, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_WithSeveralMistakes_ListsEveryErrorAndExits1()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.json");
        File.WriteAllText(path, """
        {
          "Mode": "Block",
          "HomeJurisdictions": ["CN", "HK"],
          "Proxy": { "Listen": ["localhost:3128"], "AllowedClients": ["10.0.0.1/8"], "Listn": [] },
          "Geo": { "Overrides": [ { "Network": "300.1.1.1/32", "Country": "USA" } ] }
        }
        """);

        var result = await EgressGuardCli.RunAsync(dir.Path, "config", "check", path);

        Assert.Equal(1, result.ExitCode);
        var errors = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(errors, e => e.Contains("Mode", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("HomeJurisdictions[1]", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Proxy:Listen:0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Proxy:AllowedClients:0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Proxy:Listn", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Geo:Overrides:0:Network", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Geo:Overrides:0:Country", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigCheck_TheSampleConfig_IsValid()
    {
        var sample = Path.Combine(RepositoryPaths.Root, "config", "egressguard.json");

        var result = await EgressGuardCli.RunAsync(RepositoryPaths.Root, "config", "check", sample);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("OK", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_AnEnvironmentOverride_IsValidatedLikeTheFile()
    {
        using var dir = new TempDirectory();
        var path = EgressGuardCli.WriteConfig(dir, 3128);

        var result = await EgressGuardCli.RunWithEnvironmentAsync(dir.Path, new Dictionary<string, string> { ["EGRESSGUARD__Mode"] = "Sometimes" }, "config", "check", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Mode: 'Sometimes'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeoLookup_PrintsCountryAndJurisdictionPerAddress()
    {
        using var dir = new TempDirectory();
        var config = EgressGuardCli.WriteConfig(dir, 3128);

        var result = await EgressGuardCli.RunAsync(dir.Path, "geo", "lookup", "--config", config, "175.16.199.1", "81.2.69.142", "2001:2e0::1", "214.1.1.1", "127.0.0.2");

        Assert.Equal(0, result.ExitCode);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("175.16.199.1\tCN\tdomestic\tdatabase", lines[0]);
        Assert.Equal("81.2.69.142\tGB\toutbound\tdatabase", lines[1]);
        Assert.Equal("2001:2e0::1\tHK\toutbound\tdatabase", lines[2]);
        Assert.Equal("214.1.1.1\tunknown\toutbound\tunknown", lines[3]);
        Assert.Equal("127.0.0.2\tUS\toutbound\toverride", lines[4]);
    }

    [Fact]
    public async Task GeoLookup_OnTheBundledDatabase_KnowsChinaFromAbroad()
    {
        using var dir = new TempDirectory();

        var result = await EgressGuardCli.RunAsync(dir.Path, "geo", "lookup", "114.114.114.114", "8.8.8.8", "not-an-ip");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("114.114.114.114\tCN\tdomestic", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("8.8.8.8\tUS\toutbound", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("'not-an-ip' is not an IP address", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssessmentsImport_ValidFile_IsListed_AndAnInvalidFileChangesNothing()
    {
        using var dir = new TempDirectory();
        var config = EgressGuardCli.WriteConfig(dir, 3128);
        File.WriteAllText(dir.File("good.json"), Assessments.One("SC-2026-001", "*.partner.example"));
        File.WriteAllText(dir.File("bad.json"), """[{"Id": "X", "Mechanism": "Handshake", "Destinations": ["300.0.0.0/8"], "Categories": ["*"], "ValidFrom": "2026-02-01", "ValidTo": "2026-01-01"}]""");

        var good = await EgressGuardCli.RunAsync(dir.Path, "assessments", "import", dir.File("good.json"), "--config", config);
        var bad = await EgressGuardCli.RunAsync(dir.Path, "assessments", "import", dir.File("bad.json"), "--config", config);
        var list = await EgressGuardCli.RunAsync(dir.Path, "assessments", "list", "--config", config);

        Assert.Equal(0, good.ExitCode);
        Assert.Contains("1 added", good.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Recipient is required", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("Mechanism 'Handshake'", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("Destinations[0]", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("ValidTo 2026-01-01 is before ValidFrom 2026-02-01", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("SC-2026-001\tStandardContract\t2020-01-01\t2099-12-31\tActive\tPartner Inc.\t*.partner.example", list.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("\tX\t", list.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("geo", "lookup", "--help")]
    [InlineData("config", "check", "--help")]
    [InlineData("assessments", "import", "--help")]
    [InlineData("assessments", "list", "--help")]
    [InlineData("ledger", "query", "--help")]
    public async Task Help_EveryCommand_PrintsUsageAndExits0(params string[] arguments)
    {
        using var dir = new TempDirectory();

        var result = await EgressGuardCli.RunAsync(dir.Path, arguments);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("ledger", "query", "--decision", "Maybe")]
    [InlineData("ledger", "query", "--from", "last tuesday")]
    [InlineData("config", "check", "/no/such/file.json")]
    public async Task BadInvocation_ExitsNonZeroWithAReason(params string[] arguments)
    {
        using var dir = new TempDirectory();

        var result = await EgressGuardCli.RunAsync(dir.Path, arguments);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.StandardError));
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SeveralFilesAndStdin_PrintsOneJsonObjectPerFindingWithByteOffsets()
    {
        using var dir = new TempDirectory();
        const string id = "360426199101010071";
        var text = "客户身份证号：" + id + "，谢谢";
        File.WriteAllText(dir.File("a.txt"), text);
        File.WriteAllText(dir.File("clean.json"), "{\"build\":\"20261125\",\"hash\":\"9f86d081884c7d659a2feaa0c55ad015\"}");

        var result = await ProcessRunner.RunAsync("dotnet", [EgressGuardCli.Dll, "scan", dir.File("a.txt"), dir.File("clean.json"), "-", dir.File("missing.txt")], TimeSpan.FromSeconds(60), dir.Path, standardInput: "call me on 13800138000");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.txt", result.StandardError, StringComparison.Ordinal);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var idFinding = Assert.Single(lines, l => l.GetProperty("type").GetString() == "cn_resident_id");
        Assert.Equal(dir.File("a.txt"), idFinding.GetProperty("source").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount("客户身份证号："), idFinding.GetProperty("start").GetInt64());
        Assert.Equal(18, idFinding.GetProperty("length").GetInt32());
        Assert.True(idFinding.GetProperty("sensitive").GetBoolean());
        Assert.True(idFinding.GetProperty("validated").GetBoolean());
        Assert.DoesNotContain(id, idFinding.GetProperty("masked").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.GetProperty("source").GetString() == dir.File("clean.json"));
        Assert.Single(lines, l => l.GetProperty("source").GetString() == "-" && l.GetProperty("type").GetString() == "cn_mobile");
        Assert.DoesNotContain(id, result.StandardOutput, StringComparison.Ordinal);
    }
}
