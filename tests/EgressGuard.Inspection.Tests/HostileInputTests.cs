using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>
/// Inputs an attacker or a broken client sends: the scan finishes, no exception escapes, and memory stays bounded
/// (measured as bytes allocated on the scanning thread, never as time).
/// </summary>
public sealed class HostileInputTests
{
    private const long BoundedBytes = 256 * 1024;

    [Fact]
    public void InvalidUtf8_OneMegabyte_ScansWithBoundedMemory()
    {
        var data = new byte[1 << 20];
        new Random(1).NextBytes(data);
        var (result, allocated) = Measure(data, new ContentDescriptor("text/plain"));
        Assert.Equal(DecodeStatus.Ok, result.Status);
        Assert.True(allocated < BoundedBytes + (result.Findings.Count * 2048L), allocated.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void DigitsOnOneLine_OneMegabyte_FindNothingWithBoundedMemory()
    {
        var data = new byte[1 << 20];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)('0' + (i * 7 % 10));
        }

        var (result, allocated) = Measure(data, new ContentDescriptor("text/plain"));
        Assert.Empty(result.Findings);
        Assert.True(allocated < BoundedBytes, allocated.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Json_NestedTenThousandDeep_ScansWithBoundedMemoryAndTruncatedPath()
    {
        var depth = 10_000;
        var json = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            json.Append("{\"a\":");
        }

        json.Append("\"13800138000\"");
        json.Append('}', depth);
        var (result, allocated) = Measure(Encoding.ASCII.GetBytes(json.ToString()), new ContentDescriptor("application/json"));
        var f = Assert.Single(result.Findings);
        Assert.EndsWith(".…", f.Location, StringComparison.Ordinal);
        Assert.True(allocated < BoundedBytes, allocated.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TruncatedGzip_IsReportedTruncated_AndWhatWasDecodedIsScanned()
    {
        var plain = Encoding.UTF8.GetBytes("手机 13800138000 " + new string('x', 200_000) + " 身份证 11010519491231002X");
        var gz = Payloads.Gzip(plain);
        var result = TestScanners.Default.Scan(gz.AsSpan(0, gz.Length - 20), new ContentDescriptor("text/plain", "gzip"));
        Assert.Equal(DecodeStatus.Truncated, result.Status);
        Assert.Contains(result.Findings, f => f.Type == PiiTypes.CnMobile);
    }

    [Fact]
    public void TruncatedBrotli_IsReportedTruncated()
    {
        var br = Payloads.Brotli(Encoding.UTF8.GetBytes("手机 13800138000 " + new string('y', 100_000)));
        var result = TestScanners.Default.Scan(br.AsSpan(0, br.Length / 2), new ContentDescriptor("text/plain", "br"));
        Assert.Equal(DecodeStatus.Truncated, result.Status);
    }

    [Fact]
    public void CorruptGzip_IsReportedMalformed_WithoutException()
    {
        var gz = Payloads.Gzip(Encoding.UTF8.GetBytes(new string('z', 10_000)));
        for (var i = 10; i < gz.Length; i += 3)
        {
            gz[i] ^= 0x5A;
        }

        var result = TestScanners.Default.Scan(gz, new ContentDescriptor("text/plain", "gzip"));
        Assert.NotEqual(DecodeStatus.Ok, result.Status);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public void DecompressionBomb_IsRefusedNotInflated(string encoding)
    {
        var zeros = new byte[256 << 20];
        var bomb = encoding == "gzip" ? Payloads.Gzip(zeros) : Payloads.Brotli(zeros);
        var (result, allocated) = Measure(bomb, new ContentDescriptor("application/json", encoding));
        Assert.Equal(DecodeStatus.BombRefused, result.Status);
        Assert.True(result.BytesScanned < 4 << 20, result.BytesScanned.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(allocated < 1 << 20, allocated.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void DecodedSize_OverLimit_StopsWithSizeLimitExceeded()
    {
        var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, MaxDecodedBytes = 1000 });
        var result = scanner.Scan(Encoding.ASCII.GetBytes(new string('a', 5000) + " 13800138000"), new ContentDescriptor("text/plain"));
        Assert.Equal(DecodeStatus.SizeLimitExceeded, result.Status);
        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData("----------------------------------------------------------------------")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")]
    public void Multipart_PathologicalBoundary_ScansWithBoundedMemory(string boundary)
    {
        // Part content that almost matches the delimiter at every position.
        var nearMiss = "\r\n--" + boundary[..^1];
        var content = new StringBuilder();
        while (content.Length < 1 << 20)
        {
            content.Append(nearMiss);
        }

        content.Append(" 13800138000 ");
        var body = Payloads.Multipart(boundary, ("Content-Disposition: form-data; name=\"note\"", Encoding.ASCII.GetBytes(content.ToString())));
        var (result, allocated) = Measure(body, new ContentDescriptor("multipart/form-data; boundary=\"" + boundary + "\""));
        Assert.Equal(PiiTypes.CnMobile, Assert.Single(result.Findings).Type);
        Assert.True(allocated < BoundedBytes, allocated.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ManyFindings_AreCappedAndCounted()
    {
        var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, MaxFindings = 10 });
        var text = string.Join(" ", Enumerable.Repeat("13800138000", 50));
        var result = scanner.Scan(Encoding.ASCII.GetBytes(text), new ContentDescriptor("text/plain"));
        Assert.Equal(10, result.Findings.Count);
        Assert.Equal(40, result.FindingsDropped);
    }

    private static (ScanResult Result, long Allocated) Measure(byte[] body, ContentDescriptor descriptor)
    {
        // Warm up type initialisers and pools so the measurement is the scan's own memory.
        TestScanners.Default.Scan(body.AsSpan(0, Math.Min(body.Length, 4096)), descriptor);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = TestScanners.Default.Scan(body, descriptor);
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
