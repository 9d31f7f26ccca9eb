using System.Buffers;
using BenchmarkDotNet.Attributes;
using EgressGuard.Proxy.Connect;

namespace EgressGuard.Benchmarks.Proxy;

/// <summary>
/// <see cref="ConnectHeadParser.TryParse(in ReadOnlySequence{byte}, int, out ConnectHead)"/> on the
/// head curl 7.88 sends for <c>curl -p -x http://proxy https://api.example.com/</c>: whole (one
/// segment, the fast path), split into three segments (the <c>SequenceReader</c> slow path that
/// copies into a pooled buffer), and malformed (no port: answered 400).
/// A successful parse allocates exactly one object, the host string carried into the decision and
/// the ledger record (one per tunnel); the malformed path allocates nothing (constant error text).
/// </summary>
[MemoryDiagnoser]
public class ConnectHeadParserBenchmarks
{
    private const int MaxHeadBytes = 16_384; // Proxy:MaxHeaderBytes default

    private static readonly byte[] CurlHead =
        "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n"u8.ToArray();

    private static readonly byte[] MalformedHead =
        "CONNECT api.example.com HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n"u8.ToArray();

    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _split;
    private ReadOnlySequence<byte> _malformed;

    [GlobalSetup]
    public void Setup()
    {
        _single = new ReadOnlySequence<byte>(CurlHead);
        _split = ChainedSegment.Split(CurlHead, 3);
        _malformed = new ReadOnlySequence<byte>(MalformedHead);
        if (ConnectHeadParser.TryParse(_single, MaxHeadBytes, out var a) != ConnectParseStatus.Complete
            || ConnectHeadParser.TryParse(_split, MaxHeadBytes, out var b) != ConnectParseStatus.Complete
            || a != b
            || ConnectHeadParser.TryParse(_malformed, MaxHeadBytes, out _) != ConnectParseStatus.Malformed)
        {
            throw new InvalidOperationException("benchmark inputs do not parse as expected");
        }
    }

    [Benchmark(Baseline = true, Description = "curl head, 1 segment")]
    public ConnectHead SingleSegment()
    {
        ConnectHeadParser.TryParse(_single, MaxHeadBytes, out var head);
        return head;
    }

    [Benchmark(Description = "curl head, 3 segments")]
    public ConnectHead ThreeSegments()
    {
        ConnectHeadParser.TryParse(_split, MaxHeadBytes, out var head);
        return head;
    }

    [Benchmark(Description = "malformed head (no port)")]
    public ConnectHead Malformed()
    {
        ConnectHeadParser.TryParse(_malformed, MaxHeadBytes, out var head);
        return head;
    }
}
