using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>What a reviewer and the ledger see in a finding: type facts, masks, fingerprints, offsets.</summary>
public sealed class FindingTests
{
    [Theory]
    [InlineData("身份证：11010519491231002X", PiiTypes.CnResidentId, "110105********002X", true, true)]
    [InlineData("电话 13800138000", PiiTypes.CnMobile, "138****8000", false, false)]
    [InlineData("mail zhangsan@example.com", PiiTypes.Email, "z***@example.com", false, false)]
    [InlineData("卡号 6222021234567890128", PiiTypes.BankCard, "6222***********0128", true, true)]
    [InlineData("统一社会信用代码 91110000600037341L", PiiTypes.CnUscc, "91**************1L", false, true)]
    public void Finding_KnownValue_HasCanonicalTypeMaskAndSensitivity(string text, string type, string masked, bool sensitive, bool validated)
    {
        var f = Assert.Single(TestScanners.Find(text));
        Assert.Equal(type, f.Type);
        Assert.Equal(masked, f.Masked);
        Assert.Equal(sensitive, f.Sensitive);
        Assert.Equal(validated, f.Validated);
        Assert.Equal(type != PiiTypes.CnUscc, f.Personal);
        Assert.InRange(f.Confidence, 0.5f, 1f);
    }

    [Theory]
    [InlineData("13800138000", "+86 138-0013-8000")]
    [InlineData("13800138000", "１３８００１３８０００")]
    [InlineData("13800138000", "0086 138 0013 8000")]
    [InlineData("11010519491231002X", "11010519491231002x")]
    [InlineData("11010519491231002X", "110105 1949 1231 002X")]
    [InlineData("身份证 110105491231002", "身份证 11010519491231002X")]
    [InlineData("ZhangSan@Example.com", "zhangsan@example.com")]
    [InlineData("6222 0212 3456 7890 128", "6222-0212-3456-7890-128")]
    [InlineData("A123456(3)", "A1234563")]
    public void Fingerprint_SamePersonDifferentSurfaceForms_IsTheSame(string a, string b)
    {
        var fa = Assert.Single(TestScanners.Find(a));
        var fb = Assert.Single(TestScanners.Find(b));
        Assert.Equal(fa.Type, fb.Type);
        Assert.Equal(fa.Fingerprint, fb.Fingerprint);
    }

    [Fact]
    public void Fingerprint_DifferentKey_Differs()
    {
        var other = new PiiScanner(new ScannerOptions { FingerprintKey = Encoding.ASCII.GetBytes("another-appliance-secret-key-99") });
        var a = Assert.Single(TestScanners.Find("13800138000"));
        var b = Assert.Single(other.Scan("13800138000"u8, default).Findings);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Equal(64, a.Fingerprint.Length);
    }

    [Fact]
    public void Fingerprint_DifferentPeople_Differ()
    {
        var a = Assert.Single(TestScanners.Find("13800138000"));
        var b = Assert.Single(TestScanners.Find("13800138001"));
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("13800138000")]
    [InlineData("6222021234567890128")]
    [InlineData("zhangsan@example.com")]
    [InlineData("护照 E12345678")]
    [InlineData("姓名：张三")]
    [InlineData("A123456(3)")]
    [InlineData("192.168.1.100")]
    [InlineData("00:1A:2B:3C:4D:5E")]
    [InlineData("粤BA03205")]
    public void Masked_AnyFinding_NeverContainsTheWholeValue(string text)
    {
        var f = Assert.Single(TestScanners.Find(text));
        var raw = TestScanners.Covered(text, f);
        Assert.DoesNotContain(raw, f.Masked, StringComparison.OrdinalIgnoreCase);
        Assert.Contains('*', f.Masked);
    }

    [Fact]
    public void Offsets_PlainUtf8Input_AreByteOffsetsIntoTheInput()
    {
        const string Text = "联系人手机：13800138000，邮箱 zhangsan@example.com";
        var findings = TestScanners.Find(Text);
        Assert.Equal(["13800138000", "zhangsan@example.com"], findings.Select(f => TestScanners.Covered(Text, f)));
        Assert.Equal(Encoding.UTF8.GetByteCount("联系人手机："), findings[0].Start);
    }

    [Fact]
    public void EnabledTypes_OnlyMobile_ReportsOnlyMobile()
    {
        var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, EnabledTypes = new HashSet<string> { PiiTypes.CnMobile } });
        var findings = scanner.Scan(Encoding.UTF8.GetBytes("13800138000 zhangsan@example.com 11010519491231002X"), default).Findings;
        Assert.Equal(PiiTypes.CnMobile, Assert.Single(findings).Type);
    }

    [Fact]
    public void Options_UnknownTypeAndShortKey_AreAllReported()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PiiScanner(new ScannerOptions { FingerprintKey = new byte[4], EnabledTypes = new HashSet<string> { "phone" } }));
        Assert.Contains("FingerprintKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'phone'", ex.Message, StringComparison.Ordinal);
    }
}
