using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Ledger.Verification;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>Builds real ledger directories (written by the real store) and reads them back for the tamper and retention tests.</summary>
internal static class StoreSamples
{
    /// <summary>Writes <paramref name="count"/> records, signing a checkpoint after every <paramref name="checkpointEvery"/>, then shuts down cleanly.</summary>
    public static async Task<List<TransferRecord>> WriteAsync(string dataDirectory, int count, int checkpointEvery, TimeProvider? time = null)
    {
        var records = new List<TransferRecord>();
        await using var ledger = MerkleTransferLedgerTests.Open(dataDirectory, time);
        for (var i = 0; i < count; i++)
        {
            var record = TestTransfers.Create(TestTransfers.BaseTime.AddSeconds(i), host: $"host{i}.example.com") with { Id = Guid.CreateVersion7() };
            records.Add(record);
            await ledger.AppendAsync(record);
            if ((i + 1) % checkpointEvery == 0)
            {
                await ledger.FlushAsync();
                await ledger.CheckpointAsync();
            }
        }

        await ledger.FlushAsync();
        return records;
    }

    /// <summary>Verifies the live store with the keys next to it.</summary>
    public static LedgerVerificationReport Verify(string dataDirectory)
    {
        var keys = LedgerStoreVerifier.LoadTrustedKeys(dataDirectory, new LedgerOptions { DataDirectory = dataDirectory }.Origin, out _);
        return LedgerStoreVerifier.Verify(dataDirectory, keys, null);
    }

    /// <summary>The public key of the store's signing key.</summary>
    public static CheckpointPublicKey PublicKey(string dataDirectory) =>
        LedgerStoreVerifier.LoadTrustedKeys(dataDirectory, new LedgerOptions { DataDirectory = dataDirectory }.Origin, out _)[0];

    /// <summary>The only partition file.</summary>
    public static string Partition(string dataDirectory) => LedgerFiles.PartitionPath(dataDirectory, LedgerFiles.ListPartitions(dataDirectory).Single());

    /// <summary>Runs SQL against a file, as an intruder with sqlite3 would.</summary>
    public static void Sql(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(LedgerFiles.ReadWrite(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>The canonical bytes stored for one sequence number.</summary>
    public static byte[] Canon(string partition, long seq)
    {
        using var connection = new SqliteConnection(LedgerFiles.ReadOnly(partition));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT canon FROM entries WHERE seq = $s";
        command.Parameters.AddWithValue("$s", seq);
        return (byte[])command.ExecuteScalar()!;
    }
}
