using BenchmarkDotNet.Attributes;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// Offline verification of 100,000 records already in memory (no I/O): canonical validation, leaf
/// hash and tree recomputation per record, and every signed checkpoint (one per 10,000 records)
/// checked. Results are per record (<c>OperationsPerInvoke</c>); records/s = 1 / mean.
/// </summary>
[MemoryDiagnoser]
public class LedgerVerifyBenchmarks
{
    private const int Count = 100_000;

    private byte[][] _encoded = [];
    private CheckpointEvidence[] _checkpoints = [];
    private LedgerVerificationOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (encoded, notes, key) = LedgerCorpus.SignedLog(Count, 10_000);
        _encoded = encoded;
        _checkpoints = [.. notes.Select(n => new CheckpointEvidence { Note = n })];
        _options = new LedgerVerificationOptions { TrustedKeys = [key], ExpectedOrigin = LedgerCorpus.Origin };
        var report = LedgerVerifier.Verify(LedgerCorpus.Entries(_encoded), _checkpoints, _options);
        if (!report.Succeeded || report.CheckpointsChecked != _checkpoints.Length)
        {
            throw new InvalidOperationException("The benchmark log does not verify: " + report.Failure?.Message);
        }
    }

    /// <summary>The whole verifier, per record.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public ulong Verify() => LedgerVerifier.Verify(LedgerCorpus.Entries(_encoded), _checkpoints, _options).TreeSize;

    /// <summary>Only leaf hash + tree append (the hashing floor of verification), per record.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public MerkleHash LeafHashAndAppend()
    {
        var tree = new IncrementalMerkleTree();
        var encoded = _encoded;
        for (var i = 0; i < encoded.Length; i++)
        {
            tree.Append(TreeHasher.HashLeaf(encoded[i]));
        }

        return tree.Root;
    }
}
