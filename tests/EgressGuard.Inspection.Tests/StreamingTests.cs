using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>A body scanned chunk by chunk finds what a whole-body scan finds: a value split anywhere is found once.</summary>
public sealed class StreamingTests
{
    public static TheoryData<string> Values => new()
    {
        "+86 138-0013-8000",
        "１３８００１３８０００",
        "11010519491231002X",
        "zhang.san+news@mail.example.com",
        "6222 0212 3456 7890 128",
        "fe80::a6db:30ff:fe98:e946",
        "GB82 WEST 1234 5698 7654 32",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Value_SplitAtEveryByteBoundary_IsFoundExactlyOnce(string value)
    {
        // The value sits beyond the first scan window so the carry-over path is what finds it.
        var filler = Filler(9000);
        var text = filler + "客户资料 " + value + " 已登记。" + Filler(3000);
        var data = Encoding.UTF8.GetBytes(text);
        var start = Encoding.UTF8.GetByteCount(filler + "客户资料 ");
        var length = Encoding.UTF8.GetByteCount(value);
        var expected = TestScanners.Default.Scan(data, new ContentDescriptor("text/plain")).Findings;
        var hit = Assert.Single(expected);
        Assert.Equal((start, length), ((int)hit.Start, hit.Length));

        for (var split = start - 520; split <= start + length + 520; split++)
        {
            using var scan = TestScanners.Default.BeginStream(new ContentDescriptor("text/plain"));
            scan.Write(data.AsSpan(0, split));
            scan.Write(data.AsSpan(split));
            var found = Assert.Single(scan.Complete().Findings);
            Assert.Equal((hit.Type, hit.Start, hit.Length, hit.Fingerprint), (found.Type, found.Start, found.Length, found.Fingerprint));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(513)]
    [InlineData(8192)]
    public void Body_InSmallChunks_GivesSameFindingsAsWhole(int chunk)
    {
        var body = Encoding.UTF8.GetBytes(Corpus.CorpusGenerator.DenseJson(40_000, seed: 7));
        var descriptor = new ContentDescriptor("application/json");
        var whole = TestScanners.Default.Scan(body, descriptor).Findings;
        using var scan = TestScanners.Default.BeginStream(descriptor);
        for (var i = 0; i < body.Length; i += chunk)
        {
            scan.Write(body.AsSpan(i, Math.Min(chunk, body.Length - i)));
        }

        var streamed = scan.Complete().Findings;
        Assert.True(whole.Count > 50);
        Assert.Equal(whole.Select(f => (f.Type, f.Start, f.Location)), streamed.Select(f => (f.Type, f.Start, f.Location)));
    }

    [Fact]
    public void GzipBody_InSmallChunks_GivesSameFindingsAsWhole()
    {
        var plain = Encoding.UTF8.GetBytes(Corpus.CorpusGenerator.DenseJson(30_000, seed: 3));
        var body = Payloads.Gzip(plain);
        var descriptor = new ContentDescriptor("application/json", "gzip");
        var whole = TestScanners.Default.Scan(body, descriptor);
        using var scan = TestScanners.Default.BeginStream(descriptor);
        for (var i = 0; i < body.Length; i += 100)
        {
            scan.Write(body.AsSpan(i, Math.Min(100, body.Length - i)));
        }

        var streamed = scan.Complete();
        Assert.Equal(DecodeStatus.Ok, streamed.Status);
        Assert.Equal(whole.Findings.Select(f => (f.Type, f.Start)), streamed.Findings.Select(f => (f.Type, f.Start)));
    }

    [Fact]
    public void Write_ReportsNewFindings_AsTheyArrive()
    {
        using var scan = TestScanners.Default.BeginStream(new ContentDescriptor("text/plain"));
        var first = Encoding.UTF8.GetBytes("手机 13800138000 " + Filler(20_000));
        Assert.True(scan.Write(first));
        Assert.Single(scan.Findings);
        Assert.False(scan.Write(Encoding.UTF8.GetBytes(Filler(20_000))));
        Assert.Single(scan.Complete().Findings);
    }

    private static string Filler(int length)
    {
        var sb = new StringBuilder(length);
        var words = new[] { "the quick brown fox ", "日志记录正常，", "status ok; ", "版本 v2.3.1 ", "order #A7F3-", "count=42 " };
        var i = 0;
        while (sb.Length < length)
        {
            sb.Append(words[i++ % words.Length]);
        }

        return sb.ToString(0, length);
    }
}
