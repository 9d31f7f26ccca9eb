using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>PII is found after the content is decoded the way the receiving server would decode it.</summary>
public sealed class DecodingTests
{
    private const string Json = """{"user":{"idCard":"11010519491231002X","phones":["13800138000"],"name":"张三","address":"北京市朝阳区建国路88号院3号楼"}}""";

    private static ScanResult Scan(byte[] body, string? contentType, string? encoding = null) =>
        TestScanners.Default.Scan(body, new ContentDescriptor(contentType, encoding));

    private static string[] Summary(ScanResult r) => r.Findings.Select(f => f.Type + "@" + f.Location).ToArray();

    [Fact]
    public void Json_NestedValues_AreLocatedByJsonPath()
    {
        var r = Scan(Encoding.UTF8.GetBytes(Json), "application/json");
        Assert.Equal(
            [
                "cn_resident_id@body/json:$.user.idCard", "cn_mobile@body/json:$.user.phones[0]",
                "person_name@body/json:$.user.name", "address@body/json:$.user.address",
            ],
            Summary(r));
        Assert.Equal(DecodeStatus.Ok, r.Status);
    }

    [Fact]
    public void Json_UnicodeEscapedKey_GivesContextForLegacyId()
    {
        var body = Encoding.ASCII.GetBytes("""{"\u8eab\u4efd\u8bc1\u53f7":"110105491231002","note":"110105491231002"}""");
        var f = Assert.Single(Scan(body, "application/json").Findings);
        Assert.Equal(PiiTypes.CnResidentId, f.Type);
        Assert.Equal("body/json:$.身份证号", f.Location);
    }

    [Fact]
    public void Json_EscapedValue_IsUnescapedBeforeMatching()
    {
        var body = Encoding.ASCII.GetBytes("""{"m":"\u0031\u0033\u0038\u0030\u0030\u0031\u0033\u0038\u0030\u0030\u0030","e":"zhang\u0040example.com"}""");
        Assert.Equal(["cn_mobile@body/json:$.m", "email@body/json:$.e"], Summary(Scan(body, "application/json")));
    }

    [Fact]
    public void Json_WithoutContentType_IsSniffed()
    {
        Assert.Equal(4, Scan(Encoding.UTF8.GetBytes("  " + Json), null).Findings.Count);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public void CompressedJson_AnyContentEncoding_GivesSameFindingsAsPlain(string encoding)
    {
        var plain = Encoding.UTF8.GetBytes(Json);
        var body = encoding switch { "gzip" => Payloads.Gzip(plain), "br" => Payloads.Brotli(plain), _ => Payloads.Zlib(plain) };
        var expected = Scan(plain, "application/json").Findings;
        var r = Scan(body, "application/json", encoding);
        Assert.Equal(DecodeStatus.Ok, r.Status);
        Assert.Equal(expected.Select(f => (f.Type, f.Start, f.Fingerprint)), r.Findings.Select(f => (f.Type, f.Start, f.Fingerprint)));
    }

    [Fact]
    public void Form_Utf8PercentAndPlus_AreDecoded()
    {
        var body = "name=" + Payloads.FormEncode("张三", Encoding.UTF8) + "&mobile=138+0013+8000&id=11010519491231002X";
        Assert.Equal(
            ["person_name@body/form:name", "cn_mobile@body/form:mobile", "cn_resident_id@body/form:id"],
            Summary(Scan(Encoding.ASCII.GetBytes(body), "application/x-www-form-urlencoded")));
    }

    [Theory]
    [InlineData("GBK")]
    [InlineData("GB18030")]
    public void Form_LegacyCharset_NamesAndValuesAreTranscoded(string charset)
    {
        var enc = Encoding.GetEncoding(charset);
        var body = Payloads.FormEncode("姓名", enc) + "=" + Payloads.FormEncode("李四", enc) + "&" + Payloads.FormEncode("身份证", enc) + "=110105491231002";
        var r = Scan(Encoding.ASCII.GetBytes(body), "application/x-www-form-urlencoded; charset=" + charset);
        Assert.Equal(["person_name@body/form:姓名", "cn_resident_id@body/form:身份证"], Summary(r));
    }

    [Fact]
    public void TextInGb18030_IsDecodedByCharset_NotMatchedAsRawBytes()
    {
        // Four-byte GB18030 sequences carry ASCII digit bytes (😀 = 95 32 82 36); a byte matcher would see digits.
        var text = string.Concat(Enumerable.Repeat("😀𠀀", 200)) + "手机13800138000，地址：上海市浦东新区世纪大道100号";
        var r = Scan(Payloads.Gb18030.GetBytes(text), "text/plain; charset=gb18030");
        Assert.Equal(["cn_mobile@body", "address@body"], Summary(r));
    }

    [Fact]
    public void TextInBig5_IsDecodedByCharset()
    {
        var r = Scan(Payloads.Big5.GetBytes("身分證字號：A123456789，電話 0912345678"), "text/plain; charset=big5");
        Assert.Contains(r.Findings, f => f.Type == PiiTypes.TwId);
    }

    [Fact]
    public void Multipart_CsvJsonAndTextParts_AreEachDecoded()
    {
        var csv = Encoding.UTF8.GetBytes("姓名,手机,身份证号,备注\r\n张三,13800138000,11010519491231002X,无\r\n\"李四\",\"139-1234-5678\",,\"VIP, 老客户\"\r\n");
        var body = Payloads.Multipart(
            "----WebKitFormBoundary7MA4YWxkTrZu0gW",
            ("Content-Disposition: form-data; name=\"realName\"", Encoding.UTF8.GetBytes("王五")),
            ("Content-Disposition: form-data; name=\"file\"; filename=\"users.csv\"\r\nContent-Type: text/csv", csv),
            ("Content-Disposition: form-data; name=\"meta\"; filename=\"meta.json\"\r\nContent-Type: application/json", Encoding.UTF8.GetBytes("""{"email":"wangwu@example.com"}""")),
            ("Content-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\nContent-Type: image/png", Encoding.ASCII.GetBytes("13800138000 not scanned")));
        var r = Scan(body, "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW");
        Assert.Equal(
            [
                "person_name@multipart:realName", "person_name@multipart:users.csv/csv[1]:姓名", "cn_mobile@multipart:users.csv/csv[1]:手机",
                "cn_resident_id@multipart:users.csv/csv[1]:身份证号", "person_name@multipart:users.csv/csv[2]:姓名", "cn_mobile@multipart:users.csv/csv[2]:手机",
                "email@multipart:meta.json/json:$.email",
            ],
            Summary(r));
    }

    [Fact]
    public void Url_PathAndQuery_AreScannedWithLocations()
    {
        var r = TestScanners.Default.ScanUrl("/api/users/13800138000/orders?name=" + Payloads.FormEncode("赵六", Encoding.UTF8) + "&idcard=11010519491231002X#frag");
        Assert.Equal(["cn_mobile@path", "person_name@query:name", "cn_resident_id@query:idcard"], Summary(r));
    }

    [Fact]
    public void Headers_Values_AreScannedWithHeaderName()
    {
        var r = TestScanners.Default.ScanHeaders([new("X-User-Mobile", "13800138000"), new("Accept", "application/json"), new("X-Forwarded-For", "203.0.113.7")]);
        Assert.Equal(["cn_mobile@header:X-User-Mobile", "ip_address@header:X-Forwarded-For"], Summary(r));
    }

    [Fact]
    public void UnknownEncoding_IsReportedNotScanned()
    {
        var r = Scan("13800138000"u8.ToArray(), "text/plain", "compress");
        Assert.Equal(DecodeStatus.UnsupportedEncoding, r.Status);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void ImageBody_IsNotScanned()
    {
        var r = Scan("13800138000"u8.ToArray(), "image/png");
        Assert.Equal(DecodeStatus.NotScanned, r.Status);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void ScanReport_WritesOneCamelCaseJsonObjectPerFinding_WithoutRawValues()
    {
        var r = TestScanners.ScanText("手机 13800138000，身份证 11010519491231002X");
        using var ms = new MemoryStream();
        ScanReport.WriteJsonLines(ms, "req.txt", r);
        var lines = Encoding.UTF8.GetString(ms.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        using var doc = System.Text.Json.JsonDocument.Parse(lines[0]);
        var o = doc.RootElement;
        Assert.Equal("req.txt", o.GetProperty("source").GetString());
        Assert.Equal("cn_mobile", o.GetProperty("type").GetString());
        Assert.Equal(r.Findings[0].Start, o.GetProperty("start").GetInt64());
        Assert.Equal(11, o.GetProperty("length").GetInt32());
        Assert.True(o.GetProperty("personal").GetBoolean());
        Assert.False(o.GetProperty("sensitive").GetBoolean());
        Assert.False(o.GetProperty("validated").GetBoolean());
        Assert.Equal("138****8000", o.GetProperty("masked").GetString());
        Assert.DoesNotContain("13800138000", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("11010519491231002X", lines[1], StringComparison.Ordinal);
    }
}
