using BenchmarkDotNet.Attributes;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// The storage engine with real files: appending through <see cref="MerkleTransferLedger"/> (queue,
/// writer, canonical encoding, leaf and block hashes, indexed SQLite rows, tree state per batch,
/// checkpoints) and verifying the live store with <see cref="LedgerStoreVerifier"/> (SQLite read,
/// column cross-check, leaf hash, tree, checkpoint signatures). Per record (<c>OperationsPerInvoke</c>).
/// </summary>
[MemoryDiagnoser]
public class LedgerStoreBenchmarks
{
    private const int AppendCount = 200_000;
    private const int VerifyCount = 200_000;

    private TransferRecord[] _records = [];
    private string _verifyDirectory = string.Empty;
    private string _appendDirectory = string.Empty;
    private MerkleTransferLedger? _ledger;

    [GlobalSetup]
    public void Setup()
    {
        _records = LedgerCorpus.Records(AppendCount);
        _verifyDirectory = Path.Combine(Path.GetTempPath(), "egressguard-bench-verify-" + Guid.NewGuid().ToString("N"));
        WriteAsync(_verifyDirectory, _records, VerifyCount, 20_000).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_verifyDirectory, recursive: true);

    [IterationSetup(Target = nameof(Append))]
    public void OpenForAppend()
    {
        _appendDirectory = Path.Combine(Path.GetTempPath(), "egressguard-bench-append-" + Guid.NewGuid().ToString("N"));
        _ledger = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = _appendDirectory, Origin = LedgerCorpus.Origin }).Ledger!;
    }

    [IterationCleanup(Target = nameof(Append))]
    public void CloseAfterAppend()
    {
        _ledger!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_appendDirectory, recursive: true);
    }

    /// <summary>Append + commit, per record (one appender, awaiting each queued append, one flush at the end).</summary>
    [Benchmark(OperationsPerInvoke = AppendCount)]
    public async Task Append()
    {
        foreach (var record in _records)
        {
            await _ledger!.AppendAsync(record);
        }

        await _ledger!.FlushAsync();
    }

    /// <summary>Verify the live store, per record.</summary>
    [Benchmark(OperationsPerInvoke = VerifyCount)]
    public ulong VerifyStore()
    {
        var keys = LedgerStoreVerifier.LoadTrustedKeys(_verifyDirectory, LedgerCorpus.Origin, out _);
        var report = LedgerStoreVerifier.Verify(_verifyDirectory, keys, LedgerCorpus.Origin);
        return report.Succeeded ? report.RecordsChecked : throw new InvalidOperationException(report.Failure!.Message);
    }

    internal static async Task WriteAsync(string directory, TransferRecord[] records, int count, int checkpointEvery)
    {
        await using var ledger = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = directory, Origin = LedgerCorpus.Origin }).Ledger!;
        for (var i = 0; i < count; i++)
        {
            await ledger.AppendAsync(records[i % records.Length] with { Id = Guid.CreateVersion7() });
            if ((i + 1) % checkpointEvery == 0)
            {
                await ledger.FlushAsync();
                await ledger.CheckpointAsync();
            }
        }

        await ledger.FlushAsync();
    }
}
