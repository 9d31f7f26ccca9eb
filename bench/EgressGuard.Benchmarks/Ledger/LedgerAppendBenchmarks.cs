using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Records;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// The writer's per-record work in the tamper-evident ledger: canonical encoding into a reused
/// buffer, the RFC 9162 leaf hash, and the append to the in-memory Merkle frontier (amortised one
/// node hash per record). Storage is not included. Results are per record
/// (<c>OperationsPerInvoke</c>); records/s = 1 / mean.
/// </summary>
[MemoryDiagnoser]
public class LedgerAppendBenchmarks
{
    private const int Count = 10_000;

    private readonly byte[] _buffer = new byte[4096];
    private TransferRecord[] _records = [];
    private byte[][] _encoded = [];
    private readonly IncrementalMerkleTree _tree = new();
    private ulong _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _records = LedgerCorpus.Records(Count);
        _encoded = [.. _records.Select((r, i) => CanonicalEncoder.Encode((ulong)i, r))];
    }

    /// <summary>Encode + leaf hash + frontier append, per record (the tree keeps growing across invocations, as the writer's does).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public MerkleHash EncodeHashAppend()
    {
        var records = _records;
        for (var i = 0; i < records.Length; i++)
        {
            CanonicalEncoder.TryEncode(_sequence++, records[i], _buffer, out var written);
            _tree.Append(TreeHasher.HashLeaf(_buffer.AsSpan(0, written)));
        }

        return _tree.Root;
    }

    /// <summary>Encoding alone, per record.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int EncodeOnly()
    {
        var total = 0;
        var records = _records;
        for (var i = 0; i < records.Length; i++)
        {
            CanonicalEncoder.TryEncode((ulong)i, records[i], _buffer, out var written);
            total += written;
        }

        return total;
    }

    /// <summary>Floor: one BCL SHA-256 of a record-sized input, per record (the leaf hash alone).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public byte SHA256Floor()
    {
        Span<byte> hash = stackalloc byte[32];
        var encoded = _encoded;
        for (var i = 0; i < encoded.Length; i++)
        {
            SHA256.HashData(encoded[i], hash);
        }

        return hash[0];
    }
}
