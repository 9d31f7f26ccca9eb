using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Cli;

/// <summary>The ledger as an auditor and an admin use it: the built program, real traffic, real files, kill -9.</summary>
public sealed class LedgerCliTests
{
    private static string WriteConfig(TempDirectory dir, int port) =>
        EgressGuardCli.WriteConfig(dir, port, "\"Ledger\": { \"Origin\": \"egressguard.test/appliance-1\", \"CheckpointInterval\": \"1s\" }");

    [Fact]
    public async Task Run_ThenVerifyExportAndVerifyExport_AuditorWorkflowDetectsAnEditedLine()
    {
        using var dir = new TempDirectory();
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var cn = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        var port = EgressGuardCli.FreePort();
        var config = WriteConfig(dir, port);
        var process = EgressGuardCli.Start(dir.Path, "run", "--config", config);
        try
        {
            await EgressGuardCli.WaitForHealthAsync(port, process);
            var proxy = $"http://127.0.0.1:{port}";
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("hello from cn-origin", (await ProcessRunner.CurlAsync("-x", proxy, cn.BaseUrl + "/")).StandardOutput);
                Assert.Equal("403", (await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, "--data-binary", "{\"idCard\":\"360426199101010071\"}", us.BaseUrl + "/echo")).StandardOutput);
            }
        }
        finally
        {
            Assert.Equal(0, await EgressGuardCli.StopAsync(process));
        }

        var verify = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--config", config);
        var key = await EgressGuardCli.RunAsync(dir.Path, "ledger", "public-key", "--config", config, "--out", dir.File("key.pem"));
        var export = await EgressGuardCli.RunAsync(dir.Path, "ledger", "export", "--config", config, "--from", "2000-01-01", "--to", "2999-01-01", "--format", "csv", "--out", dir.File("export"));
        var offline = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--export", dir.File("export"), "--public-key", dir.File("key.pem"));

        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Contains("records checked: 10", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("checkpoints checked:", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("first time: ", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, key.ExitCode);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(dir.File("key.pem")), StringComparison.Ordinal);
        Assert.True(export.ExitCode == 0, export.StandardError);
        Assert.True(File.Exists(dir.File("export/manifest.json")));
        Assert.True(offline.ExitCode == 0, offline.StandardOutput + offline.StandardError);
        Assert.Contains("records checked: 10", offline.StandardOutput, StringComparison.Ordinal);

        // The same range as Parquet (for the auditor's query tools) verifies offline too.
        var parquet = await EgressGuardCli.RunAsync(dir.Path, "ledger", "export", "--config", config, "--from", "2000-01-01", "--to", "2999-01-01", "--format", "parquet", "--out", dir.File("export-parquet"));
        var parquetOffline = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--export", dir.File("export-parquet"), "--public-key", dir.File("key.pem"));
        Assert.True(parquet.ExitCode == 0, parquet.StandardError);
        Assert.StartsWith("PAR1", File.ReadAllText(dir.File("export-parquet/entries.parquet"))[..4], StringComparison.Ordinal);
        Assert.True(parquetOffline.ExitCode == 0, parquetOffline.StandardOutput + parquetOffline.StandardError);
        Assert.Contains("records checked: 10", parquetOffline.StandardOutput, StringComparison.Ordinal);

        // An auditor's copy edited: one host in one line.
        var csv = dir.File("export/entries.csv");
        var lines = File.ReadAllLines(csv);
        var target = Array.FindIndex(lines, l => l.Contains("127.0.0.2", StringComparison.Ordinal));
        lines[target] = lines[target].Replace("127.0.0.2", "127.0.0.9", StringComparison.Ordinal);
        File.WriteAllLines(csv, lines);
        var tampered = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--export", dir.File("export"), "--public-key", dir.File("key.pem"));

        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("FAILED: Modified", tampered.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldAndRotateKey_ThenVerify_StillVerifiesWithTheFirstKey()
    {
        using var dir = new TempDirectory();
        var config = WriteConfig(dir, EgressGuardCli.FreePort());
        var firstKey = await EgressGuardCli.RunAsync(dir.Path, "ledger", "public-key", "--config", config, "--out", dir.File("first.pem"));
        var add = await EgressGuardCli.RunAsync(dir.Path, "ledger", "hold", "add", "--config", config, "--from", "2026-01-01", "--to", "2026-01-31", "--reason", "case 7");
        var rotate = await EgressGuardCli.RunAsync(dir.Path, "ledger", "rotate-key", "--config", config);
        var list = await EgressGuardCli.RunAsync(dir.Path, "ledger", "hold", "list", "--config", config);
        var release = await EgressGuardCli.RunAsync(dir.Path, "ledger", "hold", "release", "1", "--config", config);
        var releaseAgain = await EgressGuardCli.RunAsync(dir.Path, "ledger", "hold", "release", "1", "--config", config);
        var verify = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--config", config, "--public-key", dir.File("first.pem"));

        Assert.Equal(0, firstKey.ExitCode);
        Assert.True(add.ExitCode == 0, add.StandardError);
        Assert.True(rotate.ExitCode == 0, rotate.StandardError);
        Assert.Contains("rotated", rotate.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2026-01-01/2026-01-31\tactive\tcase 7", list.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, release.ExitCode);
        Assert.Equal(1, releaseAgain.ExitCode);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Contains("records checked: 2", verify.StandardOutput, StringComparison.Ordinal); // the hold and the key rotation
    }

    [Fact]
    public async Task Config_RetentionUnderSixMonths_IsRefusedAtConfigCheck()
    {
        using var dir = new TempDirectory();
        var config = WriteConfig(dir, EgressGuardCli.FreePort());
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"CheckpointInterval\": \"1s\"", "\"Retention\": \"90d\"", StringComparison.Ordinal));

        var check = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--config", config);

        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains("Ledger:Retention", check.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KilledWithSigkillUnderLoad_RestartsVerifiesAndKeepsEveryAnsweredRecord()
    {
        using var dir = new TempDirectory();
        var port = EgressGuardCli.FreePort();
        var config = WriteConfig(dir, port);
        var process = EgressGuardCli.Start(dir.Path, "run", "--config", config);
        var answered = new ConcurrentDictionary<string, long>();
        long killedAt;
        try
        {
            await EgressGuardCli.WaitForHealthAsync(port, process);
            using var stop = new CancellationTokenSource();
            using var handler = new SocketsHttpHandler { Proxy = new WebProxy($"http://127.0.0.1:{port}"), UseProxy = true, MaxConnectionsPerServer = 16 };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                // Refused outbound requests (personal information, no assessment): each is recorded and
                // answered with its reference id.
                while (!stop.IsCancellationRequested && !process.HasExited)
                {
                    try
                    {
                        using var body = new StringContent("{\"idCard\":\"360426199101010071\"}");
                        using var response = await client.PostAsync($"http://127.0.0.2:9/w{w}", body, stop.Token);
                        if (response.Headers.TryGetValues("X-EgressGuard-Reference", out var values))
                        {
                            answered[values.First()] = Stopwatch.GetTimestamp();
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
                    {
                        if (stop.IsCancellationRequested || process.HasExited)
                        {
                            return;
                        }
                    }
                }
            })).ToArray();

            for (var i = 0; i < 1_200 && answered.Count < 3_000; i++)
            {
                Assert.False(process.HasExited);
                await Task.Delay(50);
            }

            Assert.True(answered.Count >= 3_000, $"only {answered.Count} requests answered with a reference");

            process.Kill(); // SIGKILL: no shutdown checkpoint, no drain
            killedAt = Stopwatch.GetTimestamp();
            await process.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        var restarted = EgressGuardCli.Start(dir.Path, "run", "--config", config);
        string health;
        try
        {
            await EgressGuardCli.WaitForHealthAsync(port, restarted);
            using var client = new HttpClient();
            health = await client.GetStringAsync($"http://127.0.0.1:{port}/healthz");
        }
        finally
        {
            Assert.Equal(0, await EgressGuardCli.StopAsync(restarted));
        }

        var verify = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--config", config);
        var query = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", config, "--limit", "1000000");
        var present = new HashSet<string>();
        foreach (var line in query.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            present.Add(doc.RootElement.GetProperty("id").GetString()!);
        }

        Assert.Contains("\"ledgerAvailable\":true", health, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);

        // Documented window (Ledger.Sync=Batch): only records of requests answered in the last moments
        // before the kill may be missing (queued, not yet committed). Allow one second.
        var window = Stopwatch.Frequency;
        var missingOutsideWindow = answered.Where(a => !present.Contains(a.Key) && killedAt - a.Value > window).Select(a => a.Key).ToList();
        Assert.Empty(missingOutsideWindow);
        Assert.True(present.Count >= answered.Count - answered.Count(a => killedAt - a.Value <= window));
    }
}
