using System.Security.Cryptography;
using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>
/// The in-place fast paths (whole JSON values, whole keys, whole percent escapes, cached field hints and HMACs)
/// give exactly what the carry-over paths give when the same body arrives one byte at a time.
/// </summary>
public sealed class FastPathTests
{
    private const string TrickyJson =
        """
        [{"a":"fe80::1","b":"ab:1","c":"1.2.3","ip":"10.0.0.1","ua":"Mozilla/5.0 Chrome/131.0.0.0","n":12345,"m":13800138000,
          "mobile":13800138000,"idCard":"11010519491231002X","mo":"1234567(8)","x":"NO 44","iban":"GB82 WEST 1234 5698 7654 32",
          "e":"zhang.san@example.com","mac":"00:1A:2B:3C:4D:5E","name":"张三","address":"北京市朝阳区建国路88号","tel":"010-12345678",
          "r":"cn-east-1","\u624b\u673a":"13912345678","deep":{"list":[1,2,{"card":"6222021234567890128"}]},"t":"x 1:2","z":"+86 5"},
         {"a":"::1","ts":1732500000123,"ratio":45.1234,"session":"3fa85f64-5717-4562-b3fc-2c963f66afa6","order_id":"ORD17325000001234",
          "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","v":"8.29.299","IMEI":"356938035643809","ssn":"123-45-6789"}]
        """;

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public void TrickyBody_WholeAndByteByByte_GiveSameFindings(string contentType)
    {
        var body = Encoding.UTF8.GetBytes(TrickyJson);
        var descriptor = new ContentDescriptor(contentType);
        var whole = TestScanners.Default.Scan(body, descriptor).Findings;
        using var scan = TestScanners.Default.BeginStream(descriptor);
        foreach (var b in body)
        {
            scan.Write([b]);
        }

        var streamed = scan.Complete().Findings;
        Assert.True(whole.Count >= 10, "expected the PI values in the body to be found");
        Assert.Equal(Describe(whole), Describe(streamed));
    }

    [Fact]
    public void Form_WholeAndByteByByte_GiveSameFindings()
    {
        var body = Encoding.ASCII.GetBytes(
            "name=%E5%BC%A0%E4%B8%89&mobile=138+0013+8000&idcard=11010519491231002X&email=zhangsan%40example.com&bad=%ZZ%4&"
            + "comment=%E8%AF%B7%E5%B0%BD%E5%BF%AB%E5%8F%91%E8%B4%A7+%E6%89%8B%E6%9C%BA%EF%BC%9A13912345678&tail=%");
        var descriptor = new ContentDescriptor("application/x-www-form-urlencoded");
        var whole = TestScanners.Default.Scan(body, descriptor).Findings;
        using var scan = TestScanners.Default.BeginStream(descriptor);
        foreach (var b in body)
        {
            scan.Write([b]);
        }

        Assert.True(whole.Count >= 4);
        Assert.Equal(Describe(whole), Describe(scan.Complete().Findings));
    }

    [Fact]
    public void Fingerprint_ScannersWithDifferentKeysOnOneThread_EachMatchAFreshHmac()
    {
        var keyA = Encoding.ASCII.GetBytes("fast-path-key-aaaaaaaaaaaaaaaaaaaa");
        var keyB = Encoding.ASCII.GetBytes("fast-path-key-bbbbbbbbbbbbbbbbbbbb");
        var a = new PiiScanner(new ScannerOptions { FingerprintKey = keyA });
        var b = new PiiScanner(new ScannerOptions { FingerprintKey = keyB });
        var body = Encoding.UTF8.GetBytes("""{"mobile":"13800138000"}""");
        var descriptor = new ContentDescriptor("application/json");
        for (var round = 0; round < 3; round++)
        {
            var fa = Assert.Single(a.Scan(body, descriptor).Findings).Fingerprint;
            var fb = Assert.Single(b.Scan(body, descriptor).Findings).Fingerprint;
            Assert.Equal(Expected(keyA, "cn_mobile", "13800138000"), fa);
            Assert.Equal(Expected(keyB, "cn_mobile", "13800138000"), fb);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Form_LongEscapeRunsWithBrokenEscapeAtEveryPhase_MatchByteByByteAndFindValues(int shift)
    {
        // Whole values percent-encoded byte by byte (upper and lower case hex, as browsers and libraries differ), long
        // enough for the five-escapes-at-a-time decoder and the 256-byte pending batch to wrap, with a broken escape
        // placed at each phase of a five-escape block: whole, chunked and byte-at-a-time scans must agree.
        var label = string.Concat(Encoding.UTF8.GetBytes("请尽快发货，手机：").Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var id = string.Concat("11010519491231002X"u8.ToArray().Select(b => "%" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var filler = new StringBuilder();
        for (var i = 0; i < 30; i++)
        {
            filler.Append("%E8%AF%B7%e5%b0%bd");
        }

        var broken = new string('A', shift) + "%G1%4";
        var text = "note=" + filler + broken + label + "13912345678" + "&idcard=" + filler + id + "&x=" + label + "%";
        var body = Encoding.ASCII.GetBytes(text);
        var descriptor = new ContentDescriptor("application/x-www-form-urlencoded");
        var whole = TestScanners.Default.Scan(body, descriptor).Findings;
        Assert.Contains(whole, f => f.Type == PiiTypes.CnMobile && f.Location == "body/form:note");
        Assert.Contains(whole, f => f.Type == PiiTypes.CnResidentId && f.Masked == "110105********002X");
        foreach (var chunk in new[] { 1, 7, 16, 333 })
        {
            using var scan = TestScanners.Default.BeginStream(descriptor);
            for (var i = 0; i < body.Length; i += chunk)
            {
                scan.Write(body.AsSpan(i, Math.Min(chunk, body.Length - i)));
            }

            Assert.Equal(Describe(whole), Describe(scan.Complete().Findings));
        }
    }

    private static string Expected(byte[] key, string type, string normalized) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(type + "\u001F" + normalized)));

    private static List<string> Describe(IReadOnlyList<PiiFinding> findings) =>
        findings.Select(f => string.Join('|', f.Type, f.Start, f.Length, f.Masked, f.Fingerprint, f.Location, f.Validated, f.Confidence)).ToList();
}
