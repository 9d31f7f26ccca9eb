using System.Net;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;
using Microsoft.Data.Sqlite;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>
/// <c>Ledger:FailMode</c> with a ledger that cannot record: its stored tail was edited while the
/// appliance was down (after a crash, before the next checkpoint), so start-up refuses to append.
/// </summary>
public sealed class LedgerFailModeTests
{
    [Fact]
    public async Task Closed_LedgerUnavailable_RefusesOutboundWithLedgerUnavailableAndLetsDomesticThrough()
    {
        using var data = new TempDirectory();
        await BreakTheTailAsync(data.Path);
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var cn = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            c["Mode"] = "Monitor";
            c["DataDirectory"] = data.Path;
        });
        using var client = ProxiedClient(box);

        using var outbound = await client.GetAsync(us.BaseUrl + "/");
        using var domestic = await client.GetAsync(cn.BaseUrl + "/");
        using var health = await new HttpClient().GetAsync(box.ProxyUrl + "/healthz");

        Assert.Equal(HttpStatusCode.Forbidden, outbound.StatusCode);
        Assert.Equal("LedgerUnavailable", outbound.Headers.GetValues("X-EgressGuard-Reason").Single());
        Assert.Equal(0, us.Connections);
        Assert.Equal(HttpStatusCode.OK, domestic.StatusCode);
        Assert.Contains("\"ledgerAvailable\":false", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_LedgerUnavailable_LetsOutboundThrough()
    {
        using var data = new TempDirectory();
        await BreakTheTailAsync(data.Path);
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c =>
        {
            c["Mode"] = "Monitor";
            c["DataDirectory"] = data.Path;
            c["Ledger:FailMode"] = "Open";
        });
        using var client = ProxiedClient(box);

        using var outbound = await client.GetAsync(us.BaseUrl + "/");

        Assert.Equal(HttpStatusCode.OK, outbound.StatusCode);
        Assert.Equal("hello from us-origin", await outbound.Content.ReadAsStringAsync());
    }

    private static HttpClient ProxiedClient(ApplianceUnderTest box) =>
        new(new HttpClientHandler { Proxy = new WebProxy(box.ProxyUrl), UseProxy = true });

    private static async Task BreakTheTailAsync(string dataDirectory)
    {
        await using (var ledger = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = dataDirectory }).Ledger!)
        {
            for (var i = 0; i < 20; i++)
            {
                await ledger.AppendAsync(new TransferRecord
                {
                    Id = Guid.CreateVersion7(),
                    Time = DateTimeOffset.UtcNow,
                    Kind = TransferKind.Http,
                    Client = "127.0.0.1",
                    Host = "example.com",
                    Decision = TransferVerdict.Allow,
                    Reason = ReasonCode.Domestic,
                });
            }
        }

        // As after kill -9 (no shutdown checkpoint), then a row deleted while the appliance was down.
        Exec(LedgerFiles.CheckpointsPath(dataDirectory), "DELETE FROM checkpoints WHERE tree_size = 20");
        Exec(LedgerFiles.PartitionPath(dataDirectory, LedgerFiles.ListPartitions(dataDirectory).Single()), "DELETE FROM entries WHERE seq = 10");
    }

    private static void Exec(string path, string sql)
    {
        using var connection = new SqliteConnection(LedgerFiles.ReadWrite(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
