using System.Text.Json;
using System.Text.Json.Nodes;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Cli;

/// <summary>
/// An auditor proving one blocked transfer and the log's append-only history with the built
/// program: <c>ledger prove</c> on the appliance, <c>ledger verify --proof</c> offline with the public key.
/// </summary>
public sealed class LedgerProofCliTests
{
    [Fact]
    public async Task ProveBlockedTransferById_VerifiesOfflineWithThePublicKey_AndAnEditedEntryFails()
    {
        using var dir = new TempDirectory();
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var cn = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        var port = EgressGuardCli.FreePort();
        var config = EgressGuardCli.WriteConfig(dir, port, "\"Ledger\": { \"Origin\": \"egressguard.test/appliance-1\", \"CheckpointInterval\": \"1s\" }");
        var process = EgressGuardCli.Start(dir.Path, "run", "--config", config);
        try
        {
            await EgressGuardCli.WaitForHealthAsync(port, process);
            var proxy = $"http://127.0.0.1:{port}";
            Assert.Equal("hello from cn-origin", (await ProcessRunner.CurlAsync("-x", proxy, cn.BaseUrl + "/")).StandardOutput);
            Assert.Equal("403", (await ProcessRunner.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, "--data-binary", "{\"idCard\":\"360426199101010071\"}", us.BaseUrl + "/echo")).StandardOutput);
            Assert.Equal("hello from cn-origin", (await ProcessRunner.CurlAsync("-x", proxy, cn.BaseUrl + "/")).StandardOutput);
        }
        finally
        {
            Assert.Equal(0, await EgressGuardCli.StopAsync(process)); // shutdown signs a checkpoint over everything
        }

        var query = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", config, "--decision", "Block");
        var blocked = JsonDocument.Parse(Assert.Single(query.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var id = blocked.RootElement.GetProperty("id").GetString()!;
        var key = await EgressGuardCli.RunAsync(dir.Path, "ledger", "public-key", "--config", config, "--out", dir.File("key.pem"));
        var prove = await EgressGuardCli.RunAsync(dir.Path, "ledger", "prove", "--config", config, "--id", id, "--out", dir.File("proof.json"));
        var verify = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--proof", dir.File("proof.json"), "--public-key", dir.File("key.pem"));

        Assert.Equal(0, key.ExitCode);
        Assert.True(prove.ExitCode == 0, prove.StandardError);
        Assert.Contains("wrote inclusion proof for entry ", prove.StandardError, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Contains($"transfer {id} ", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Block/", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("is in the log 'egressguard.test/appliance-1'", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("trusting the given public key", verify.StandardOutput, StringComparison.Ordinal);

        // Someone edits the destination in the proof's entry bytes: the path no longer reaches the signed root.
        var proof = JsonNode.Parse(File.ReadAllText(dir.File("proof.json")))!;
        var entry = Convert.FromBase64String(proof["entry"]!.GetValue<string>());
        var host = System.Text.Encoding.UTF8.GetBytes("127.0.0.2");
        var at = entry.AsSpan().IndexOf(host);
        Assert.True(at > 0);
        entry[at + 8] = (byte)'9';
        proof["entry"] = Convert.ToBase64String(entry);
        File.WriteAllText(dir.File("edited.json"), proof.ToJsonString());
        var edited = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--proof", dir.File("edited.json"), "--public-key", dir.File("key.pem"));

        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("FAILED: PathInvalid: entry ", edited.StandardError, StringComparison.Ordinal);

        // The checkpoints an auditor can name, each opened with the appliance's key.
        var listed = await EgressGuardCli.RunAsync(dir.Path, "ledger", "checkpoints", "--config", config);
        Assert.True(listed.ExitCode == 0, listed.StandardError);
        var checkpoints = listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(0, checkpoints[0].GetProperty("number").GetInt64());
        Assert.All(checkpoints, c => Assert.StartsWith("egressguard.test/appliance-1+", c.GetProperty("signedBy").GetString(), StringComparison.Ordinal));
        Assert.Equal(3UL, checkpoints[^1].GetProperty("treeSize").GetUInt64()); // three transfers, all covered at shutdown

        // Consistency from the first checkpoint to the newest, and the usage errors.
        var consistency = await EgressGuardCli.RunAsync(dir.Path, "ledger", "prove", "--config", config, "--from-checkpoint", "0", "--out", dir.File("consistency.json"));
        var consistencyVerify = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--proof", dir.File("consistency.json"), "--public-key", dir.File("key.pem"));
        var both = await EgressGuardCli.RunAsync(dir.Path, "ledger", "prove", "--config", config, "--seq", "0", "--from-checkpoint", "0");
        var unknown = await EgressGuardCli.RunAsync(dir.Path, "ledger", "prove", "--config", config, "--seq", "999999");
        var garbage = await EgressGuardCli.RunAsync(dir.Path, "ledger", "verify", "--proof", dir.File("key.pem"));

        Assert.True(consistency.ExitCode == 0, consistency.StandardError);
        Assert.True(consistencyVerify.ExitCode == 0, consistencyVerify.StandardOutput + consistencyVerify.StandardError);
        Assert.Contains("verified consistency proof", consistencyVerify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("exactly one of", both.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("NotFound", unknown.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, garbage.ExitCode);
        Assert.Contains("FAILED: Malformed", garbage.StandardError, StringComparison.Ordinal);
    }
}
