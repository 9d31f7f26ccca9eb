using System.Net;
using System.Text.Json;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Ledger.Proofs;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Api;

/// <summary>Ledger proofs over the console API, checked offline with the appliance's public key.</summary>
public sealed class ProofsApiTests
{
    private static void Configure(Dictionary<string, string?> config)
    {
        ApiKeys.Configure(config);
        config["Ledger:CheckpointInterval"] = "1s";
    }

    [Fact]
    public async Task Proof_ForABlockedTransfer_ChecksOfflineAgainstTheApplianceKey_AndConsistencyToo()
    {
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(Configure);
        Assert.Equal("403", (await ProcessRunner.CurlAsync("-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", box.ProxyUrl, us.BaseUrl + "/upload")).StandardOutput);
        var blocked = await box.WaitForRecordAsync(r => r.Decision == TransferVerdict.Block);
        using var client = ApiKeys.Client(box, ApiKeys.Auditor);

        // The record is proved once a checkpoint covers it (signed every second here); until then 409.
        var (status, body) = await GetAsync(client, $"/api/v1/transfers/{blocked.Id:D}/proof");
        for (var i = 0; i < 100 && status == HttpStatusCode.Conflict; i++)
        {
            await Task.Delay(100);
            (status, body) = await GetAsync(client, $"/api/v1/transfers/{blocked.Id:D}/proof");
        }

        Assert.True(status == HttpStatusCode.OK, body);
        var key = LedgerStoreVerifier.LoadTrustedKeys(box.Directory.Path, box.Settings.Ledger?.Origin ?? new LedgerOptions { DataDirectory = "." }.Origin, out _)[0];
        var check = ProofChecker.Check(System.Text.Encoding.UTF8.GetBytes(body), key);
        Assert.True(check.IsValid, check.Message);
        Assert.Equal(blocked.Id, check.Entry!.Transfer!.Id);
        Assert.Equal(ReasonCode.NoAssessment, check.Entry.Transfer.Reason);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(ProofJson.InclusionFormat, doc.RootElement.GetProperty("format").GetString());
        Assert.Equal("Block", doc.RootElement.GetProperty("record").GetProperty("decision").GetString());

        // The same entry by sequence number, and the log's history from its first checkpoint.
        var sequence = doc.RootElement.GetProperty("sequence").GetUInt64();
        var (bySeq, bySeqBody) = await GetAsync(client, $"/api/v1/transfers/{sequence}/proof");
        var (consistency, consistencyBody) = await GetAsync(client, "/api/v1/ledger/consistency?from=0");
        Assert.Equal(HttpStatusCode.OK, bySeq);
        Assert.True(ProofChecker.Check(System.Text.Encoding.UTF8.GetBytes(bySeqBody), key).IsValid);
        Assert.True(consistency == HttpStatusCode.OK, consistencyBody);
        var history = ProofChecker.Check(System.Text.Encoding.UTF8.GetBytes(consistencyBody), key);
        Assert.True(history.IsValid, history.Message);
        Assert.Equal(0UL, history.From!.Number);

        using var listed = JsonDocument.Parse((await GetAsync(client, "/api/v1/ledger/checkpoints?limit=1")).Body);
        var first = Assert.Single(listed.RootElement.GetProperty("checkpoints").EnumerateArray());
        Assert.Equal(0, first.GetProperty("number").GetInt64());
        Assert.Equal(history.From.RootHash.ToBase64(), first.GetProperty("root").GetString());
        using var all = JsonDocument.Parse((await GetAsync(client, "/api/v1/ledger/checkpoints")).Body);
        var count = all.RootElement.GetProperty("checkpoints").GetArrayLength();
        Assert.Equal(count > 1 ? JsonValueKind.Number : JsonValueKind.Null, listed.RootElement.GetProperty("nextFrom").ValueKind);
        Assert.Equal(JsonValueKind.Null, all.RootElement.GetProperty("nextFrom").ValueKind);
    }

    [Fact]
    public async Task Proof_BadRequests_AreClearErrors_AndNeedAKey()
    {
        await using var box = await ApplianceUnderTest.StartAsync(Configure);
        using var client = ApiKeys.Client(box, ApiKeys.Auditor);
        using var anonymous = ApiKeys.Client(box, null);

        var (notAnId, notAnIdBody) = await GetAsync(client, "/api/v1/transfers/abc/proof");
        var (unknownId, unknownIdBody) = await GetAsync(client, $"/api/v1/transfers/{Guid.CreateVersion7():D}/proof");
        var (unknownParameter, _) = await GetAsync(client, "/api/v1/transfers/1/proof?checkpont=2");
        var (noFrom, noFromBody) = await GetAsync(client, "/api/v1/ledger/consistency");
        var (badFrom, _) = await GetAsync(client, "/api/v1/ledger/consistency?from=-1");
        var (noSuchCheckpoint, _) = await GetAsync(client, "/api/v1/ledger/consistency?from=999999");
        using var noKey = await anonymous.GetAsync("/api/v1/ledger/consistency?from=0");

        Assert.Equal(HttpStatusCode.BadRequest, notAnId);
        Assert.Contains("neither a transfer reference id", notAnIdBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownId);
        Assert.Contains("NotFound", unknownIdBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownParameter);
        Assert.Equal(HttpStatusCode.BadRequest, noFrom);
        Assert.Contains("from: required", noFromBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badFrom);
        Assert.Equal(HttpStatusCode.NotFound, noSuchCheckpoint);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
