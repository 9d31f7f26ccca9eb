using System.Text;
using System.Text.Json;
using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Tests.Records;

public sealed class TransferRecordFormatTests
{
    private static readonly string[] DocumentedFields =
    [
        "id", "time", "kind", "client", "host", "ip", "port", "country", "outbound", "mode", "decision", "reason",
        "assessmentId", "method", "status", "bytesUp", "bytesDown", "durationMs", "geoBuild", "inspection", "findings",
    ];

    [Fact]
    public void Fields_AreTheDocumentedCamelCaseNamesInOrder()
    {
        Assert.Equal(DocumentedFields, TransferRecordFormat.Fields);
    }

    [Fact]
    public void WriteJson_FullRecord_HasExactlyTheDocumentedFieldsAndValues()
    {
        using var document = JsonDocument.Parse(Json(TestTransfers.Full()));
        var root = document.RootElement;

        Assert.Equal(DocumentedFields, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0195a3c4-1234-7abc-8def-0123456789ab", root.GetProperty("id").GetString());
        Assert.Equal("2026-03-01T00:09:10.123456Z", root.GetProperty("time").GetString());
        Assert.Equal("Tunnel", root.GetProperty("kind").GetString());
        Assert.Equal("fd00::17", root.GetProperty("client").GetString());
        Assert.Equal("api.example.com", root.GetProperty("host").GetString());
        Assert.Equal("2606:2800:220:1:248:1893:25c8:1946", root.GetProperty("ip").GetString());
        Assert.Equal(8443, root.GetProperty("port").GetInt32());
        Assert.Equal("US", root.GetProperty("country").GetString());
        Assert.True(root.GetProperty("outbound").GetBoolean());
        Assert.Equal("Monitor", root.GetProperty("mode").GetString());
        Assert.Equal("Report", root.GetProperty("decision").GetString());
        Assert.Equal("AssessmentExpired", root.GetProperty("reason").GetString());
        Assert.Equal("SCC-2026-001", root.GetProperty("assessmentId").GetString());
        Assert.Equal("CONNECT", root.GetProperty("method").GetString());
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        Assert.Equal(123_456_789_012, root.GetProperty("bytesUp").GetInt64());
        Assert.Equal(987_654_321, root.GetProperty("bytesDown").GetInt64());
        Assert.Equal(1_234_567.891m, root.GetProperty("durationMs").GetDecimal());
        Assert.Equal("2026-02-24T00:00:00Z", root.GetProperty("geoBuild").GetString());
    }

    [Fact]
    public void WriteJson_MinimalRecord_WritesNullsForAbsentOptionalFields()
    {
        using var document = JsonDocument.Parse(Json(TestTransfers.Minimal()));
        var root = document.RootElement;

        Assert.Equal(DocumentedFields, root.EnumerateObject().Select(p => p.Name));
        foreach (var name in new[] { "ip", "country", "assessmentId", "method", "geoBuild" })
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty(name).ValueKind);
        }

        Assert.Equal(string.Empty, root.GetProperty("host").GetString());
        Assert.Equal(0, root.GetProperty("port").GetInt32());
        Assert.False(root.GetProperty("outbound").GetBoolean());
        Assert.Equal("Monitor", root.GetProperty("mode").GetString());
        Assert.Equal(0, root.GetProperty("durationMs").GetDouble());
    }

    [Fact]
    public void WriteJson_OneRecord_IsOneLine()
    {
        var record = TestTransfers.Full() with { Host = "line\nbreak.example" };

        var json = Json(record);

        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\r', json);
    }

    [Fact]
    public void WriteJson_DurationWithSubMicrosecondTicks_RoundsToThreeDecimalMilliseconds()
    {
        var record = TestTransfers.Minimal() with { Duration = TimeSpan.FromTicks(12_345_678) }; // 1234.5678 ms

        using var document = JsonDocument.Parse(Json(record));

        Assert.Equal(1_234.568m, document.RootElement.GetProperty("durationMs").GetDecimal());
    }

    [Fact]
    public void CsvHeader_IsTheFieldNamesCommaSeparated()
    {
        Assert.Equal(string.Join(',', DocumentedFields), TransferRecordFormat.CsvHeader);
        Assert.Equal(DocumentedFields, Rfc4180.ParseRecord(TransferRecordFormat.CsvHeader));
    }

    [Fact]
    public void ToCsv_FullRecord_FieldsMatchTheJsonValues()
    {
        var fields = Rfc4180.ParseRecord(TransferRecordFormat.ToCsv(TestTransfers.Full()));

        Assert.Equal(
            [
                "0195a3c4-1234-7abc-8def-0123456789ab", "2026-03-01T00:09:10.123456Z", "Tunnel", "fd00::17", "api.example.com",
                "2606:2800:220:1:248:1893:25c8:1946", "8443", "US", "true", "Monitor", "Report", "AssessmentExpired",
                "SCC-2026-001", "CONNECT", "200", "123456789012", "987654321", "1234567.891", "2026-02-24T00:00:00Z",
                "Complete", "cn_resident_id:2:sensitive;email:1",
            ],
            fields);
    }

    [Fact]
    public void ToCsv_MinimalRecord_LeavesAbsentFieldsEmpty()
    {
        var line = TransferRecordFormat.ToCsv(TestTransfers.Minimal());
        var fields = Rfc4180.ParseRecord(line);

        Assert.Equal(DocumentedFields.Length, fields.Count);
        Assert.Equal(string.Empty, fields[Array.IndexOf(DocumentedFields, "host")]);
        Assert.Equal(string.Empty, fields[Array.IndexOf(DocumentedFields, "ip")]);
        Assert.Equal(string.Empty, fields[Array.IndexOf(DocumentedFields, "country")]);
        Assert.Equal("false", fields[Array.IndexOf(DocumentedFields, "outbound")]);
        Assert.Equal("0", fields[Array.IndexOf(DocumentedFields, "port")]);
    }

    [Theory]
    [InlineData("plain.example.com")]
    [InlineData("comma,host.example")]
    [InlineData("quote\"host.example")]
    [InlineData("\"fully quoted\"")]
    [InlineData("line\nbreak.example")]
    [InlineData("crlf\r\nbreak.example")]
    [InlineData("cr\ronly.example")]
    [InlineData("all of it: \",\r\n\"\"")]
    [InlineData("  spaces around  ")]
    [InlineData("中文.example")]
    [InlineData("trailing,")]
    [InlineData(",")]
    [InlineData("\"")]
    public void ToCsv_HostWithSpecialCharacters_RoundTripsThroughAnRfc4180Reader(string host)
    {
        var record = TestTransfers.Full() with { Host = host, Client = host, AssessmentId = host };

        var fields = Rfc4180.ParseRecord(TransferRecordFormat.ToCsv(record));

        Assert.Equal(DocumentedFields.Length, fields.Count);
        Assert.Equal(host, fields[Array.IndexOf(DocumentedFields, "host")]);
        Assert.Equal(host, fields[Array.IndexOf(DocumentedFields, "client")]);
        Assert.Equal(host, fields[Array.IndexOf(DocumentedFields, "assessmentId")]);
        Assert.Equal("8443", fields[Array.IndexOf(DocumentedFields, "port")]);
    }

    [Theory]
    [InlineData("=cmd|' /C calc'!A0")]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")")]
    [InlineData("=1+2")]
    [InlineData("+SUM(1,2)")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("@SUM(1+1)")]
    [InlineData("@1")]
    [InlineData("-2+3+cmd|' /C calc'!A0")]
    [InlineData("-example.com")]
    [InlineData("=")]
    [InlineData("\tcmd")]
    public void ToCsv_FormulaLikeText_IsQuotedWithALeadingApostrophe(string host)
    {
        var record = TestTransfers.Full() with { Host = host };

        var line = TransferRecordFormat.ToCsv(record);
        var fields = Rfc4180.ParseRecord(line);

        Assert.Contains(",\"'" + host.Replace("\"", "\"\"", StringComparison.Ordinal) + "\",", line, StringComparison.Ordinal);
        Assert.Equal("'" + host, fields[Array.IndexOf(DocumentedFields, "host")]);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+86")]
    [InlineData("-0.5")]
    [InlineData("a=b")]
    [InlineData("example.com@")]
    public void ToCsv_PlainNumberOrInnerSymbol_IsLeftAsIs(string host)
    {
        var record = TestTransfers.Full() with { Host = host };

        var fields = Rfc4180.ParseRecord(TransferRecordFormat.ToCsv(record));

        Assert.Equal(host, fields[Array.IndexOf(DocumentedFields, "host")]);
    }

    [Fact]
    public void ToCsv_FormulaInClientField_IsNeutralisedToo()
    {
        var record = TestTransfers.Full() with { Client = "=1+1" };

        var fields = Rfc4180.ParseRecord(TransferRecordFormat.ToCsv(record));

        Assert.Equal("'=1+1", fields[Array.IndexOf(DocumentedFields, "client")]);
    }

    private static string Json(TransferRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TransferRecordFormat.WriteJson(writer, record);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
