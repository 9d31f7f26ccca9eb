using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>
/// A value that repeats verbatim (a user agent in every telemetry record) is scanned once and then passed over while
/// it keeps giving nothing (values with three or more digit runs, which are the ones remembered). What a user must never notice: a value remembered as clean in one field, by one scanner or
/// on one day hiding a finding in another field, with other enabled types, or on another day.
/// </summary>
public sealed class RepeatedValueTests
{
    private static readonly ContentDescriptor Json = new("application/json");

    [Theory]
    [InlineData("x 7 y 8 device 356938035643809 on the shelf by the door", "note", "imei", "imei")]
    [InlineData("x 7 y 8 z 110105491231002 y as written on the old form", "note", "idcard", "cn_resident_id")]
    public void SameValue_CleanInPlainFieldThenInContextField_FoundInEveryContextField(string value, string plainKey, string contextKey, string type)
    {
        var records = new StringBuilder("[");
        for (var i = 0; i < 50; i++)
        {
            records.Append("{\"").Append(plainKey).Append("\":\"").Append(value).Append("\",\"").Append(contextKey).Append("\":\"").Append(value).Append("\"},");
            records.Append("{\"").Append(plainKey).Append("\":\"").Append(value).Append("\"},");
        }

        records.Append("{}]");
        var findings = TestScanners.Default.Scan(Encoding.UTF8.GetBytes(records.ToString()), Json).Findings;

        Assert.Equal(50, findings.Count);
        Assert.All(findings, f => Assert.Equal(type, f.Type));
        Assert.All(findings, f => Assert.EndsWith("." + contextKey, f.Location, StringComparison.Ordinal));
    }

    [Fact]
    public void SameValue_CleanForScannerWithoutTheType_FoundByScannerWithIt()
    {
        var emailOnly = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, EnabledTypes = new HashSet<string> { "email" }, Today = new DateOnly(2025, 6, 1) });
        var body = Encoding.UTF8.GetBytes("""[{"note":"call 1 or 2 or 13800138000 today, or write to the office"},{"note":"call 1 or 2 or 13800138000 today, or write to the office"}]""");
        for (var round = 0; round < 3; round++)
        {
            Assert.Empty(emailOnly.Scan(body, Json).Findings);
            var found = TestScanners.Default.Scan(body, Json).Findings;
            Assert.Equal(2, found.Count);
            Assert.All(found, f => Assert.Equal("cn_mobile", f.Type));
        }
    }

    [Fact]
    public void SameResidentId_CleanBeforeBirthDate_FoundOnceTheDateHasPassed()
    {
        var id = ResidentId("11010520250615001");
        var body = Encoding.UTF8.GetBytes("[{\"note\":\"n 1 n 2 old " + id + " id as written on the form\"},{\"note\":\"n 1 n 2 old " + id + " id as written on the form\"}]");
        var before = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, Today = new DateOnly(2025, 6, 1) });
        var after = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, Today = new DateOnly(2025, 7, 1) });
        for (var round = 0; round < 3; round++)
        {
            Assert.Empty(before.Scan(body, Json).Findings);
            var found = after.Scan(body, Json).Findings;
            Assert.Equal(2, found.Count);
            Assert.All(found, f => Assert.Equal("cn_resident_id", f.Type));
        }
    }

    [Fact]
    public void RepeatedValueWithFinding_BeyondMaxFindings_EveryCopyCounted()
    {
        var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = TestScanners.Key, MaxFindings = 10 });
        var records = new StringBuilder("[");
        for (var i = 0; i < 3000; i++)
        {
            records.Append("{\"ua\":\"Mozilla/5.0 (Windows NT 10.0) Chrome/131.0.0.0\",\"note\":\"reach me at 13800138000 please\"},");
        }

        records.Append("{}]");
        var result = scanner.Scan(Encoding.UTF8.GetBytes(records.ToString()), Json);

        Assert.Equal(10, result.Findings.Count);
        Assert.Equal(2990, result.FindingsDropped);
    }

    /// <summary>The 17 digits plus their GB 11643 check character.</summary>
    private static string ResidentId(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * weights[i];
        }

        return first17 + "10X98765432"[sum % 11];
    }
}
