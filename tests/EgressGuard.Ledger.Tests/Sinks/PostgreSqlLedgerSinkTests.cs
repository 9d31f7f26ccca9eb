using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Sinks;
using EgressGuard.Ledger.Sinks.PostgreSql;
using EgressGuard.Tests.Common;
using Npgsql;
using Xunit.Abstractions;

namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>
/// The fleet sink against a real PostgreSQL started by the test (<see cref="PostgreSqlCluster"/>):
/// shipping, an outage mid-stream (<c>pg_ctl stop -m immediate</c>) with the backlog growing and
/// draining, and restarts from the cursor file — every sequence exactly once, every row re-hashing to
/// its stored leaf, every shipped checkpoint verifying over the shipped rows.
/// </summary>
public sealed class PostgreSqlLedgerSinkTests : IClassFixture<PostgreSqlCluster>, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 2, 28, 20, 0, 0, TimeSpan.Zero); // entries cross into March: two partitions
    private readonly PostgreSqlCluster _cluster;
    private readonly TempDirectory _temp = new();

    private readonly ITestOutputHelper _output;

    public PostgreSqlLedgerSinkTests(PostgreSqlCluster cluster, ITestOutputHelper output)
    {
        _cluster = cluster;
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    [PostgreSqlFact]
    public async Task Ship_EntriesAndCheckpoints_CentralCopyHoldsEachOnceAndReverifies()
    {
        var connectionString = await _cluster.CreateDatabaseAsync("ship");
        using var feed = new InMemoryLedgerFeed();
        for (var i = 0; i < 700; i++)
        {
            feed.AppendTransfer(SinkHarness.Transfer(i, Start));
        }

        feed.SignCheckpoint(Start.AddHours(12));
        feed.AppendEvent(SinkHarness.Event(Start.AddHours(12)));
        for (var i = 700; i < 1200; i++)
        {
            feed.AppendTransfer(SinkHarness.Transfer(i, Start));
        }

        feed.SignCheckpoint(Start.AddHours(21));

        await using var services = SinkHarness.Services();
        var sink = new PostgreSqlLedgerSink(feed, Options(connectionString), _temp.File("pg.cursor"), SinkHarness.Logs, services.Meters());
        using (var stop = new CancellationTokenSource())
        {
            var run = sink.RunAsync(stop.Token);
            await SinkHarness.WaitUntil(() => sink.Status.Cursor == new SinkCursor(1201, 2), "all 1201 entries and 2 checkpoints shipped");
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(1201, sink.Status.ShippedEntries);
        Assert.Equal(2, sink.Status.ShippedCheckpoints);
        await AssertCentralCopyAsync(connectionString, feed);
        Assert.Equal(2L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'egressguard_entries'::regclass"));
        Assert.Equal(1L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM egressguard_entries_y2026m02 WHERE seq = 0"));
        Assert.Equal("host-3.example.com|Block|NoAssessment|US", await ScalarAsync<string>(connectionString, "SELECT host || '|' || decision || '|' || reason || '|' || country FROM egressguard_entries WHERE seq = 3"));
        Assert.Equal("AssessmentChange|PIPL-2026-001", await ScalarAsync<string>(connectionString, "SELECT kind || '|' || subject FROM egressguard_entries WHERE seq = 700"));
    }

    [PostgreSqlFact]
    public async Task Outage_ServerStoppedMidStream_BacklogGrowsThenDrainsWithoutLossOrDuplicates()
    {
        var connectionString = await _cluster.CreateDatabaseAsync("outage");
        using var feed = new InMemoryLedgerFeed();
        await using var services = SinkHarness.Services();
        var sink = new PostgreSqlLedgerSink(feed, Options(connectionString), _temp.File("pg.cursor"), SinkHarness.Logs, services.Meters());
        long observedBacklog = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EgressGuard.Ledger.Sinks" && instrument.Name == "egressguard.ledger.sink.backlog")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Exchange(ref observedBacklog, value));
        listener.Start();

        using var stop = new CancellationTokenSource();
        var run = sink.RunAsync(stop.Token);
        for (var i = 0; i < 300; i++)
        {
            feed.AppendTransfer(SinkHarness.Transfer(i, Start));
        }

        feed.SignCheckpoint(Start.AddHours(6));
        await SinkHarness.WaitUntil(() => sink.Status.Cursor == new SinkCursor(300, 1), "the first 300 entries shipped");

        await _cluster.StopImmediateAsync();
        try
        {
            // Entries keep arriving while the central database is gone.
            for (var i = 300; i < 900; i++)
            {
                feed.AppendTransfer(SinkHarness.Transfer(i, Start));
                if (i % 200 == 0)
                {
                    await Task.Delay(10);
                }
            }

            feed.SignCheckpoint(Start.AddHours(16));
            await SinkHarness.WaitUntil(() => sink.Status.BacklogEntries == 600 && sink.Status.Failures > 0, "the backlog to reach 600 entries while PostgreSQL is down");
            listener.RecordObservableInstruments();
            Assert.Equal(600, Interlocked.Read(ref observedBacklog));
            Assert.False(sink.Status.Connected);
            Assert.NotNull(sink.Status.LastError);
            Assert.Equal(new SinkCursor(300, 1), sink.Status.Cursor);
        }
        finally
        {
            await _cluster.StartAsync();
        }

        for (var i = 900; i < 1000; i++)
        {
            feed.AppendTransfer(SinkHarness.Transfer(i, Start));
        }

        feed.SignCheckpoint(Start.AddHours(17));
        await SinkHarness.WaitUntil(() => sink.Status.Cursor == new SinkCursor(1000, 3), "the backlog to drain after PostgreSQL is back");
        Assert.Equal(0UL, sink.Status.BacklogEntries);
        listener.RecordObservableInstruments();
        Assert.Equal(0, Interlocked.Read(ref observedBacklog));
        await stop.CancelAsync();
        await run;

        await AssertCentralCopyAsync(connectionString, feed);
    }

    [PostgreSqlFact]
    public async Task Restart_FromCursorFile_LostCursorFile_OrCorruptCursorFile_ShipsNothingTwice()
    {
        var connectionString = await _cluster.CreateDatabaseAsync("restart");
        using var feed = new InMemoryLedgerFeed();
        var cursorPath = _temp.File("pg.cursor");
        await using var services = SinkHarness.Services();

        for (var round = 0; round < 4; round++)
        {
            for (var i = round * 250; i < (round + 1) * 250; i++)
            {
                feed.AppendTransfer(SinkHarness.Transfer(i, Start));
            }

            feed.SignCheckpoint(Start.AddHours(round + 1));
            if (round == 2)
            {
                File.Delete(cursorPath); // a lost data directory: the central cursor still knows
            }
            else if (round == 3)
            {
                await File.WriteAllTextAsync(cursorPath, "garbage\n"); // a corrupt file is refused, not parsed as 0
            }

            // A new sink each round: nothing survives but the cursor file and the central database.
            var sink = new PostgreSqlLedgerSink(feed, Options(connectionString), cursorPath, SinkHarness.Logs, services.Meters());
            using var stop = new CancellationTokenSource();
            var run = sink.RunAsync(stop.Token);
            var expected = new SinkCursor((ulong)((round + 1) * 250), round + 1);
            await SinkHarness.WaitUntil(() => sink.Status.Cursor == expected, $"round {round} shipped to {expected}");
            await stop.CancelAsync();
            await run;
            Assert.Equal(250, sink.Status.ShippedEntries);
            Assert.Equal($"egressguard-sink-cursor v1 {expected.NextSequence} {expected.NextCheckpoint}\n", await File.ReadAllTextAsync(cursorPath));
        }

        await AssertCentralCopyAsync(connectionString, feed);
    }

    /// <summary>
    /// Catch-up of a large backlog in batches of 1000 (the default), checked row by row; prints the shipping rate
    /// as a load figure for bench/README.md (no timing assertion). <c>EGRESSGUARD_SINK_LOAD_ENTRIES</c> sets the count.
    /// </summary>
    [PostgreSqlFact]
    public async Task CatchUp_LargeBacklog_ShipsInBatchesEachOnce()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("EGRESSGUARD_SINK_LOAD_ENTRIES"), out var n) && n > 0 ? n : 20_000;
        var connectionString = await _cluster.CreateDatabaseAsync("catchup");
        using var feed = new InMemoryLedgerFeed();
        for (var i = 0; i < count; i++)
        {
            feed.AppendTransfer(TestTransfers.Create(Start.AddSeconds(i), host: $"api-{i % 97}.example.com"));
            if (i % 5000 == 4999)
            {
                feed.SignCheckpoint(Start.AddSeconds(i));
            }
        }

        await using var services = SinkHarness.Services();
        var options = new PostgreSqlSinkOptions { ConnectionString = connectionString, Shipping = SinkHarness.FastShipping(batchSize: 1000) };
        var sink = new PostgreSqlLedgerSink(feed, options, _temp.File("load.cursor"), SinkHarness.Logs, services.Meters());
        using var stop = new CancellationTokenSource();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = sink.RunAsync(stop.Token);
        await SinkHarness.WaitUntil(() => sink.Status.Cursor.NextSequence == (ulong)count, $"{count} entries shipped");
        clock.Stop();
        await stop.CancelAsync();
        await run;

        Assert.Equal(count, sink.Status.ShippedEntries);
        Assert.Equal(0, sink.Status.Failures);
        _output.WriteLine($"shipped {count} entries ({feed.Checkpoints().Count} checkpoints) to PostgreSQL in {clock.Elapsed.TotalSeconds:0.00} s: {count / clock.Elapsed.TotalSeconds:0} entries/s");
        await AssertCentralCopyAsync(connectionString, feed);
    }

    private static PostgreSqlSinkOptions Options(string connectionString) => new()
    {
        ConnectionString = connectionString,
        Shipping = SinkHarness.FastShipping(),
    };

    /// <summary>Every entry exactly once, bytes equal, leaf = SHA-256(0x00 ‖ canonical) computed here, and every checkpoint verifying over the central rows.</summary>
    private static async Task AssertCentralCopyAsync(string connectionString, InMemoryLedgerFeed feed)
    {
        var entries = feed.Entries();
        // The test's own connections bypass the pool: a server stopped by another test leaves broken pooled ones.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using (var duplicates = new NpgsqlCommand("SELECT count(*) - count(DISTINCT seq) FROM egressguard_entries WHERE origin = @o", connection))
        {
            duplicates.Parameters.AddWithValue("o", feed.Origin);
            Assert.Equal(0L, (long)(await duplicates.ExecuteScalarAsync())!);
        }

        var tree = new IncrementalMerkleTree();
        var roots = new Dictionary<ulong, MerkleHash>();
        await using (var rows = new NpgsqlCommand("SELECT seq, canonical, leaf FROM egressguard_entries WHERE origin = @o ORDER BY seq", connection))
        {
            rows.Parameters.AddWithValue("o", feed.Origin);
            await using var reader = await rows.ExecuteReaderAsync();
            var index = 0;
            while (await reader.ReadAsync())
            {
                Assert.Equal(index, reader.GetInt64(0));
                var canonical = (byte[])reader[1];
                var leaf = (byte[])reader[2];
                Assert.Equal(entries[index].Canonical.ToArray(), canonical);
                Assert.Equal(SHA256.HashData([0x00, .. canonical]), leaf);
                tree.Append(MerkleHash.Read(leaf));
                roots[tree.Size] = tree.Root;
                index++;
            }

            Assert.Equal(entries.Count, index);
        }

        var checkpoints = feed.Checkpoints();
        await using (var notes = new NpgsqlCommand("SELECT number, tree_size, note FROM egressguard_checkpoints WHERE origin = @o ORDER BY number", connection))
        {
            notes.Parameters.AddWithValue("o", feed.Origin);
            await using var reader = await notes.ExecuteReaderAsync();
            var index = 0;
            while (await reader.ReadAsync())
            {
                Assert.Equal(index, reader.GetInt64(0));
                var verified = CheckpointNote.Verify(reader.GetString(2), feed.Key.PublicKey);
                Assert.True(verified.IsValid, verified.Message);
                Assert.Equal((ulong)reader.GetInt64(1), verified.Checkpoint!.TreeSize);
                Assert.Equal(roots[verified.Checkpoint.TreeSize], verified.Checkpoint.RootHash);
                index++;
            }

            Assert.Equal(checkpoints.Count, index);
        }
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        // The test's own connections bypass the pool: a server stopped by another test leaves broken pooled ones.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
