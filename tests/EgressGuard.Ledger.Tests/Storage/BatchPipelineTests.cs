using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Tests.Common;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>
/// Under load the writer drains thousands of records per transaction and encodes and hashes them on a
/// second thread (BatchPreparer) while it inserts: what lands in the files must be exactly what the
/// one-thread writer stored — the canonical bytes of each record under its sequence number, its leaf
/// hash, its filter columns, and the aligned block hashes.
/// </summary>
public sealed class BatchPipelineTests
{
    private const int Count = 20_000;

    [Fact]
    public async Task Append_ThousandsQueuedAtOnce_StoresEachRecordsCanonicalBytesLeafColumnsAndBlocks()
    {
        using var dir = new TempDirectory();
        var records = new TransferRecord[Count];
        for (var i = 0; i < Count; i++)
        {
            // Mixed case hosts and countries (the columns are normalised), a finding on every seventh.
            var record = TestTransfers.Create(TestTransfers.BaseTime.AddMilliseconds(i), host: $"Host{i}.Example.COM", country: i % 3 == 0 ? "us" : "CN")
                with { Id = Guid.CreateVersion7() };
            records[i] = i % 7 == 0 ? record with { Findings = [new FindingSummary("PhoneNumber", 1, false, "138****0000")] } : record;
        }

        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            // Queue everything without waiting for the writer: it takes batches of up to 8,192.
            var pending = new List<Task>();
            foreach (var record in records)
            {
                var append = ledger.AppendAsync(record);
                if (!append.IsCompletedSuccessfully)
                {
                    pending.Add(append.AsTask());
                }
            }

            await Task.WhenAll(pending);
            await ledger.FlushAsync();
            Assert.Equal((ulong)Count, ledger.Size);

            var found = ledger.Query(new TransferQuery { Host = "host4242.example.com" });
            Assert.Equal(records[4242].Id, Assert.Single(found).Id);
            Assert.Equal(Count / 3 + 1, ledger.Query(new TransferQuery { Country = "US", Limit = Count }).Count);
        }

        var partition = StoreSamples.Partition(dir.Path);
        var leaves = new MerkleHash[Count];
        using (var connection = new SqliteConnection(LedgerFiles.ReadOnly(partition)))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, canon, leaf, host, country, pi FROM entries ORDER BY seq";
            using var reader = command.ExecuteReader();
            var seq = 0;
            while (reader.Read())
            {
                Assert.Equal(seq, reader.GetInt64(0));
                var canon = (byte[])reader[1];
                Assert.Equal(CanonicalEncoder.Encode((ulong)seq, records[seq]), canon);
                leaves[seq] = MerkleHash.Read((byte[])reader[2]);
                Assert.Equal(TreeHasher.HashLeaf(canon), leaves[seq]);
                Assert.Equal(records[seq].Host.ToLowerInvariant(), reader.GetString(3));
                Assert.Equal(records[seq].Country!.ToUpperInvariant(), reader.GetString(4));
                Assert.Equal(seq % 7 == 0 ? ",PhoneNumber," : null, reader.IsDBNull(5) ? null : reader.GetString(5));
                seq++;
            }

            Assert.Equal(Count, seq);
            using var blockQuery = connection.CreateCommand();
            blockQuery.CommandText = "SELECT start_seq, hash FROM blocks WHERE level = 8 ORDER BY start_seq";
            using var blocks = blockQuery.ExecuteReader();
            var block = 0;
            while (blocks.Read())
            {
                Assert.Equal(block * 256L, blocks.GetInt64(0));
                Assert.Equal(MerkleTree.ComputeRoot(leaves.AsSpan(block * 256, 256)), MerkleHash.Read((byte[])blocks[1]));
                block++;
            }

            Assert.Equal(Count / 256, block);
        }

        var report = StoreSamples.Verify(dir.Path);
        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal((ulong)Count, report.RecordsChecked);
        Assert.Equal(MerkleTree.ComputeRoot(leaves), report.RootHash);
    }

    [Fact]
    public async Task Append_PastTheWalCheckpointMark_CopiesTheWalIntoThePartitionWhileRunningAndEverythingVerifies()
    {
        // 70,000 entries: past WalCheckpointer.RequestEvery, far below the writer's own 16,384-page checkpoint.
        const int many = 70_000;
        using var dir = new TempDirectory();
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            var pending = new List<Task>();
            for (var i = 0; i < many; i++)
            {
                var append = ledger.AppendAsync(TestTransfers.Create(TestTransfers.BaseTime.AddMilliseconds(i), host: $"h{i}.example.com"));
                if (!append.IsCompletedSuccessfully)
                {
                    pending.Add(append.AsTask());
                }
            }

            await Task.WhenAll(pending);
            await ledger.FlushAsync();
            if (Environment.ProcessorCount > 1)
            {
                // The checkpoint runs on its own thread: wait for its pages to reach the database file.
                var partition = new FileInfo(StoreSamples.Partition(dir.Path));
                for (var tries = 0; tries < 600 && partition.Length < 8 << 20; tries++)
                {
                    await Task.Delay(50);
                    partition.Refresh();
                }

                Assert.True(partition.Length >= 8 << 20, $"partition file still {partition.Length} bytes: the WAL was not checkpointed");
            }

            Assert.Equal(many, ledger.Query(new TransferQuery { Limit = 1_000_000 }).Count);
        }

        var report = StoreSamples.Verify(dir.Path);
        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal((ulong)many, report.RecordsChecked);
    }
}
