using System.Buffers;
using System.Text;
using EgressGuard.Proxy.Connect;

namespace EgressGuard.Proxy.Tests.Connect;

public sealed class ConnectHeadParserTests
{
    private const int MaxHeadBytes = 8 * 1024;

    [Theory]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT example.com:443 HTTP/1.0\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: other.example:8443\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT Example.COM:8443 HTTP/1.1\r\n\r\n", "Example.COM", 8443)]
    [InlineData("CONNECT a.b.c.example.co.uk:1 HTTP/1.1\r\n\r\n", "a.b.c.example.co.uk", 1)]
    [InlineData("CONNECT localhost:65535 HTTP/1.1\r\n\r\n", "localhost", 65535)]
    [InlineData("CONNECT example.com:00443 HTTP/1.1\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT 93.184.216.34:443 HTTP/1.1\r\nHost: 93.184.216.34:443\r\n\r\n", "93.184.216.34", 443)]
    [InlineData("CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n", "2001:db8::1", 443)]
    [InlineData("CONNECT [::1]:8080 HTTP/1.1\r\n\r\n", "::1", 8080)]
    [InlineData("CONNECT [2001:DB8:0:0:0:0:0:1]:443 HTTP/1.1\r\n\r\n", "2001:db8::1", 443)]
    [InlineData("CONNECT [::ffff:10.0.0.1]:443 HTTP/1.1\r\n\r\n", "::ffff:10.0.0.1", 443)]
    [InlineData("CONNECT _srv.example.com:443 HTTP/1.1\r\n\r\n", "_srv.example.com", 443)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: curl/8.5.0\r\nProxy-Connection: Keep-Alive\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n", "example.com", 443)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nX-Empty:\r\nX-Tabs:\t value with spaces \t\r\nX-Token!#$%&'*+-.^_`|~: v\r\n\r\n", "example.com", 443)]
    public void TryParse_ValidHead_ReturnsTargetAndHeadLength(string text, string host, int port)
    {
        var bytes = Encoding.ASCII.GetBytes(text);

        var status = ConnectHeadParser.TryParse(bytes, MaxHeadBytes, out var head);

        Assert.Equal(ConnectParseStatus.Complete, status);
        Assert.Equal(new ConnectHead(host, port, bytes.Length, null), head);
    }

    [Theory]
    // target
    [InlineData("CONNECT example.com HTTP/1.1\r\n\r\n", "no port")]
    [InlineData("CONNECT example.com: HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:https HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:44a3 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:0 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:00000 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:65536 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:99999 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:000443 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:4294967739 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:-443 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:+443 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT :443 HTTP/1.1\r\n\r\n", "bad host")]
    [InlineData("CONNECT bad!host:443 HTTP/1.1\r\n\r\n", "bad host")]
    [InlineData("CONNECT -bad.example:443 HTTP/1.1\r\n\r\n", "bad host")]
    [InlineData("CONNECT exa%6dple.com:443 HTTP/1.1\r\n\r\n", "bad host")]
    [InlineData("CONNECT user@example.com:443 HTTP/1.1\r\n\r\n", "bad host")]
    [InlineData("CONNECT 2001:db8::1:443 HTTP/1.1\r\n\r\n", "brackets")]
    [InlineData("CONNECT [2001:db8::1] HTTP/1.1\r\n\r\n", "no port")]
    [InlineData("CONNECT [2001:db8::1]443 HTTP/1.1\r\n\r\n", "no port")]
    [InlineData("CONNECT [2001:db8::1:443 HTTP/1.1\r\n\r\n", "unterminated")]
    [InlineData("CONNECT [93.184.216.34]:443 HTTP/1.1\r\n\r\n", "bad IPv6")]
    [InlineData("CONNECT [not-an-ip]:443 HTTP/1.1\r\n\r\n", "bad IPv6")]
    [InlineData("CONNECT http://example.com:443 HTTP/1.1\r\n\r\n", "brackets")]
    // request line
    [InlineData("CONNECT example.com:443 HTTP/2.0\r\n\r\n", "HTTP version")]
    [InlineData("CONNECT example.com:443 HTTP/1.2\r\n\r\n", "HTTP version")]
    [InlineData("CONNECT example.com:443 http/1.1\r\n\r\n", "HTTP version")]
    [InlineData("CONNECT example.com:443 HTTP/1.1 \r\n\r\n", "request line")]
    [InlineData("CONNECT example.com:443 HTTP/1.10\r\n\r\n", "HTTP version")]
    [InlineData("CONNECT example.com:443 \r\n\r\n", "HTTP version")]
    [InlineData("CONNECT example.com:443\r\n\r\n", "request line")]
    [InlineData("CONNECT  example.com:443 HTTP/1.1\r\n\r\n", "request line")]
    [InlineData("CONNECT \r\n\r\n", "request line")]
    [InlineData("GET http://example.com/ HTTP/1.1\r\n\r\n", "CONNECT")]
    [InlineData("connect example.com:443 HTTP/1.1\r\n\r\n", "CONNECT")]
    [InlineData("\r\n\r\n", "CONNECT")]
    // headers
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost example.com\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost : example.com\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost\t: example.com\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n: no-name\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nBad@Name: x\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n Host: example.com\r\n\r\n", "malformed header")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nX-A: a\0b\r\n\r\n", "control character")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nX-A: a\nb\r\n\r\n", "control character")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nX-A: a\rb\r\n\r\n", "control character")]
    public void TryParse_MalformedHead_ReturnsMalformedWithErrorText(string text, string expectedFragment)
    {
        var status = ConnectHeadParser.TryParse(Encoding.ASCII.GetBytes(text), MaxHeadBytes, out var head);

        Assert.Equal(ConnectParseStatus.Malformed, status);
        Assert.NotNull(head.Error);
        Assert.Contains(expectedFragment, head.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, head.Host);
        Assert.Equal(0, head.Port);
    }

    [Theory]
    [InlineData("CONNECT example.com:443 HTTP/1.1\n\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\n\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\n\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\r\n\r\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n\n")]
    public void TryParse_LineFeedOnlyLineEnds_ReturnsMalformedWithoutWaitingForMore(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);

        var status = ConnectHeadParser.TryParse(bytes, MaxHeadBytes, out var head);

        Assert.Equal(ConnectParseStatus.Malformed, status);
        Assert.False(string.IsNullOrEmpty(head.Error));
    }

    [Theory]
    [InlineData(ConnectHeadParser.MaxHeaderCount, ConnectParseStatus.Complete)]
    [InlineData(ConnectHeadParser.MaxHeaderCount + 1, ConnectParseStatus.Malformed)]
    [InlineData(500, ConnectParseStatus.Malformed)]
    public void TryParse_ManyHeaderLines_RefusedAboveTheLimit(int headers, ConnectParseStatus expected)
    {
        var text = new StringBuilder("CONNECT example.com:443 HTTP/1.1\r\n");
        for (var i = 0; i < headers; i++)
        {
            text.Append("X-H").Append(i).Append(": v\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());

        var status = ConnectHeadParser.TryParse(bytes, 64 * 1024, out var head);

        Assert.Equal(expected, status);
        if (expected == ConnectParseStatus.Malformed)
        {
            Assert.Contains("too many header lines", head.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryParse_HeadExactlyAtTheLimit_IsCompleteButOneByteMoreIsTooLarge()
    {
        var exact = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nX-Pad: " + new string('p', 60) + "\r\n\r\n");
        var longer = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nX-Pad: " + new string('p', 61) + "\r\n\r\n");

        Assert.Equal(ConnectParseStatus.Complete, ConnectHeadParser.TryParse(exact, exact.Length, out var head));
        Assert.Equal(exact.Length, head.HeadLength);
        Assert.Equal(ConnectParseStatus.TooLarge, ConnectHeadParser.TryParse(longer, exact.Length, out _));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(1024)]
    public void TryParse_HeadLongerThanTheLimit_ReturnsTooLarge(int maxHeadBytes)
    {
        var bytes = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nX-Pad: " + new string('p', maxHeadBytes) + "\r\n\r\n");

        Assert.Equal(ConnectParseStatus.TooLarge, ConnectHeadParser.TryParse(bytes, maxHeadBytes, out _));
    }

    [Fact]
    public void TryParse_UnterminatedHeadReachingTheLimit_ReturnsTooLargeWithoutWaitingForMore()
    {
        var bytes = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nX-Pad: " + new string('p', 200));

        var split = Segments.SplitAt(bytes, 10);

        Assert.Equal(ConnectParseStatus.TooLarge, ConnectHeadParser.TryParse(bytes, 100, out _));
        Assert.Equal(ConnectParseStatus.TooLarge, ConnectHeadParser.TryParse(bytes, bytes.Length, out _));
        Assert.Equal(ConnectParseStatus.Incomplete, ConnectHeadParser.TryParse(bytes, bytes.Length + 1, out _));
        Assert.Equal(ConnectParseStatus.TooLarge, ConnectHeadParser.TryParse(split, 100, out _));
        Assert.Equal(ConnectParseStatus.TooLarge, ConnectHeadParser.TryParse(split, bytes.Length, out _));
        Assert.Equal(ConnectParseStatus.Incomplete, ConnectHeadParser.TryParse(split, bytes.Length + 1, out _));
    }

    [Fact]
    public void TryParse_EveryProperPrefixOfAValidHead_ReturnsIncomplete()
    {
        var bytes = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: test\r\n\r\n");

        for (var length = 0; length < bytes.Length; length++)
        {
            var status = ConnectHeadParser.TryParse(bytes.AsSpan(0, length), MaxHeadBytes, out var head);

            Assert.True(status == ConnectParseStatus.Incomplete, $"prefix of {length} bytes gave {status}");
            Assert.Equal(default, head);
        }
    }

    [Theory]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("\r\n\r\n\r\n")]
    [InlineData("garbage that is not a header\n\n")]
    public void TryParse_BytesAfterTheHead_AreNotConsumedOrChanged(string after)
    {
        var head = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        var tail = Encoding.Latin1.GetBytes(after);
        byte[] buffer = [.. head, .. tail];
        var copy = buffer.ToArray();

        var status = ConnectHeadParser.TryParse(buffer, MaxHeadBytes, out var parsed);

        Assert.Equal(ConnectParseStatus.Complete, status);
        Assert.Equal(head.Length, parsed.HeadLength);
        Assert.Equal(copy, buffer);
        Assert.Equal(tail, buffer.AsSpan(parsed.HeadLength).ToArray());
    }

    [Fact]
    public void TryParse_TailLongerThanTheLimit_DoesNotMakeACompleteHeadTooLarge()
    {
        var head = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\n\r\n");
        byte[] buffer = [.. head, .. new byte[10_000]];

        Assert.Equal(ConnectParseStatus.Complete, ConnectHeadParser.TryParse(buffer, 64, out var parsed));
        Assert.Equal(head.Length, parsed.HeadLength);
        Assert.Equal(ConnectParseStatus.Complete, ConnectHeadParser.TryParse(Segments.SplitAt(buffer, 5), 64, out parsed));
        Assert.Equal(head.Length, parsed.HeadLength);
    }

    public static TheoryData<string, int> SplitCases => new()
    {
        { "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", MaxHeadBytes },
        { "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\nUser-Agent: x\r\n\r\n\u0016\u0003\u0001more", MaxHeadBytes },
        { "CONNECT example.com:443 HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\n\r\n", MaxHeadBytes },
        { "CONNECT example.com:99999 HTTP/1.1\r\n\r\n", MaxHeadBytes },
        { "CONNECT example.com:443 HTTP/1.1\r\nBad Header: x\r\n\r\n", MaxHeadBytes },
        { "CONNECT example.com:443 HTTP/1.1\nHost: example.com\n\n", MaxHeadBytes },
        { "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n", MaxHeadBytes },
        { "CONNECT example.com:443 HTTP/1.1\r\nX-Pad: pppppppppppppppppppppppppppppppp\r\n\r\n", 40 },
        // 46 bytes, no end yet: at the limit (TooLarge) and one under it (Incomplete)
        { "CONNECT example.com:443 HTTP/1.1\r\nX-Pad: ppppp", 46 },
        { "CONNECT example.com:443 HTTP/1.1\r\nX-Pad: ppppp", 47 },
        // a 36-byte head: exactly at the limit (Complete) and one over it (TooLarge)
        { "CONNECT example.com:443 HTTP/1.1\r\n\r\n", 36 },
        { "CONNECT example.com:443 HTTP/1.1\r\n\r\n", 35 },
        { "CONNECT example.com:443 HTTP/1.1\r\n\r\nrest", 36 },
        { "CONNECT example.com:443 HTTP/1.1\r\n\r\nrest", 35 },
        // a bare LF before the limit, the head's end after it
        { "CONNECT example.com:443 HTTP/1.1\nX: y\r\n\r\n", 20 },
    };

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void TryParse_HeadSplitAtEveryPoint_ParsesAsTheContiguousHead(string text, int maxHeadBytes)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var expectedStatus = ConnectHeadParser.TryParse(bytes, maxHeadBytes, out var expectedHead);

        for (var at = 0; at <= bytes.Length; at++)
        {
            var status = ConnectHeadParser.TryParse(Segments.SplitAt(bytes, at), maxHeadBytes, out var head);

            Assert.True(expectedStatus == status, $"split at {at}: {status}, contiguous: {expectedStatus}");
            Assert.Equal(expectedHead, head);
        }

        for (var a = 1; a < bytes.Length; a += 7)
        {
            for (var b = a; b < bytes.Length; b += 5)
            {
                var sequence = Segments.Of(bytes.AsMemory(0, a), bytes.AsMemory(a, b - a), bytes.AsMemory(b));
                Assert.Equal(expectedStatus, ConnectHeadParser.TryParse(sequence, maxHeadBytes, out var head));
                Assert.Equal(expectedHead, head);
            }
        }

        Assert.Equal(expectedStatus, ConnectHeadParser.TryParse(Segments.ByteByByte(bytes), maxHeadBytes, out var single));
        Assert.Equal(expectedHead, single);
    }

    [Fact]
    public void TryParse_SingleSegmentSequence_ParsesAsTheSpan()
    {
        var bytes = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\n\r\n");

        var status = ConnectHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), MaxHeadBytes, out var head);

        Assert.Equal(ConnectParseStatus.Complete, status);
        Assert.Equal(new ConnectHead("example.com", 443, bytes.Length, null), head);
    }

    [Fact]
    public void TryParse_EmptySequence_ReturnsIncomplete()
    {
        Assert.Equal(ConnectParseStatus.Incomplete, ConnectHeadParser.TryParse(ReadOnlySequence<byte>.Empty, MaxHeadBytes, out _));
        Assert.Equal(ConnectParseStatus.Incomplete, ConnectHeadParser.TryParse(ReadOnlySpan<byte>.Empty, MaxHeadBytes, out _));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("C", null)]
    [InlineData("CON", null)]
    [InlineData("CONNECT", null)]
    [InlineData("CONNECT ", true)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n", true)]
    [InlineData("G", false)]
    [InlineData("GET / HTTP/1.1\r\n", false)]
    [InlineData("c", false)]
    [InlineData("connect ", false)]
    [InlineData("CONNECX", false)]
    [InlineData("CONNECTX", false)]
    [InlineData("CONNECT\t", false)]
    [InlineData("\u0016\u0003\u0001", false)]
    public void StartsWithConnect_Prefix_DecidesAsSoonAsItCan(string start, bool? expected)
    {
        Assert.Equal(expected, ConnectHeadParser.StartsWithConnect(Encoding.Latin1.GetBytes(start)));
    }

    [Fact]
    public void TryParse_RandomInput_NeverThrowsAndAgreesAcrossSegmentation()
    {
        var random = new Random(20260301);
        var seed = Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nX-A: b\r\n\r\n");
        byte[] interesting = [.. "\r\n:[] .0123456789CONNECT HTTP/1."u8, 0, 0x7f, 0xff, (byte)'\t'];

        for (var n = 0; n < 10_000; n++)
        {
            byte[] input;
            switch (n % 3)
            {
                case 0:
                    input = new byte[random.Next(0, 200)];
                    random.NextBytes(input);
                    break;
                case 1:
                    input = Mutate(random, seed, interesting);
                    break;
                default:
                    input = new byte[random.Next(0, 120)];
                    for (var i = 0; i < input.Length; i++)
                    {
                        input[i] = interesting[random.Next(interesting.Length)];
                    }

                    break;
            }

            var maxHeadBytes = random.Next(1, 160);
            var status = ConnectHeadParser.TryParse(input, maxHeadBytes, out var head);

            switch (status)
            {
                case ConnectParseStatus.Complete:
                    Assert.InRange(head.HeadLength, 1, Math.Min(maxHeadBytes, input.Length));
                    Assert.InRange(head.Port, 1, 65535);
                    Assert.False(string.IsNullOrEmpty(head.Host));
                    Assert.Null(head.Error);
                    break;
                case ConnectParseStatus.Malformed:
                    Assert.False(string.IsNullOrEmpty(head.Error));
                    break;
                default:
                    Assert.Equal(default, head);
                    break;
            }

            var at = input.Length == 0 ? 0 : random.Next(0, input.Length + 1);
            Assert.Equal(status, ConnectHeadParser.TryParse(Segments.SplitAt(input, at), maxHeadBytes, out var split));
            Assert.Equal(head, split);
            _ = ConnectHeadParser.StartsWithConnect(input);
        }
    }

    private static byte[] Mutate(Random random, byte[] seed, byte[] interesting)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 1:
                    bytes.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes[at] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. bytes];
    }
}
