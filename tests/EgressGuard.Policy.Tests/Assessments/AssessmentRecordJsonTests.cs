using System.Reflection;
using System.Text;
using EgressGuard.Inspection;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Tests.Assessments;

public sealed class AssessmentRecordJsonTests
{
    [Fact]
    public void ReadRecord_BadRecord_ListsEveryError()
    {
        var json = """
            {"Id": "X-1", "Mechanism": "StandardContract", "Destinations": ["10.0.0.1/8", "ok.example"],
             "Categories": ["email", "shoe_size"], "ValidFrom": "2026-02-01", "ValidTo": "2026-01-01"}
            """;

        var result = AssessmentFileReader.ReadRecord(Encoding.UTF8.GetBytes(json));

        Assert.Null(result.Record);
        Assert.Contains("Id 'X-1': Recipient is required", result.Errors);
        Assert.Contains(result.Errors, e => e.Contains("Destinations[0]", StringComparison.Ordinal) && e.Contains("host bits", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("Categories[1]: 'shoe_size'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("ValidTo 2026-01-01 is before ValidFrom 2026-02-01", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"Status": "Expired"}""", "Status Expired is computed")]
    [InlineData("""{"Mechanism": "Exempt"}""", "ExemptBasis is required")]
    [InlineData("""{"ExemptBasis": "Contract"}""", "ExemptBasis applies only to Exempt records")]
    [InlineData("""{"Categories": ["cn_resident_id"]}""", "sensitive type 'cn_resident_id' but SensitiveIncluded is false")]
    [InlineData("""{"RecipientCountry": "USA"}""", "RecipientCountry 'USA'")]
    [InlineData("""{"SourceGroups": []}""", "SourceGroups must list")]
    [InlineData("""{"Colour": "red"}""", "unknown field 'Colour'")]
    public void ReadRecord_RuleBroken_SaysWhich(string overrides, string expected)
    {
        var result = AssessmentFileReader.ReadRecord(Encoding.UTF8.GetBytes(Merge(overrides)));

        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ReadRecord_NotAnObjectOrNotJson_IsAnErrorNotACrash()
    {
        Assert.NotEmpty(AssessmentFileReader.ReadRecord("[1]"u8).Errors);
        Assert.NotEmpty(AssessmentFileReader.ReadRecord("{\"Id\":"u8).Errors);
        Assert.NotEmpty(AssessmentFileReader.ReadRecord(""u8).Errors);
    }

    [Fact]
    public void WriteRecord_ThenReadRecord_GivesTheSameRecord()
    {
        var record = AssessmentFileReader.ReadRecord(Encoding.UTF8.GetBytes(Merge("""{"Mechanism": "Exempt", "ExemptBasis": "BelowThreshold", "SourceGroups": ["lab"]}"""))).Record!;

        var again = AssessmentFileReader.ReadRecord(AssessmentFileWriter.WriteRecord(record)).Record!;

        Assert.Equal(ExemptBasis.BelowThreshold, again.ExemptBasis);
        Assert.Equal(["lab"], again.SourceGroups);
        Assert.Equal(AssessmentFileWriter.WriteRecord(record), AssessmentFileWriter.WriteRecord(again));
    }

    [Fact]
    public void Csv_WriteThenRead_RoundTrips_AndABadRowIsReportedWithItsLine()
    {
        var records = new[]
        {
            TestRecords.Create("SC-1", ["*.a.example", "198.51.100.0/24"]) with { Notes = "has, comma and \"quotes\"\nand a newline" },
            TestRecords.Create("SC-2", "country:TW") with { Categories = ["email", "cn_mobile"], SourceGroups = ["a", "b"] },
        };

        var csv = Encoding.UTF8.GetString(AssessmentCsv.Write(records));
        var back = AssessmentCsv.Read(csv);
        var bad = AssessmentCsv.Read(csv + "SC-3,,Partner,,,Handshake,,x.example,*,*,false,,2026-01-01,2026-12-31,,Active,,,\r\n");

        Assert.True(back.Succeeded, string.Join("\n", back.Errors));
        Assert.Equal(records.Select(r => Encoding.UTF8.GetString(AssessmentFileWriter.WriteRecord(r))), back.Records.Select(r => Encoding.UTF8.GetString(AssessmentFileWriter.WriteRecord(r))));
        Assert.Contains(bad.Errors, e => e.StartsWith("line 5:", StringComparison.Ordinal) && e.Contains("Handshake", StringComparison.Ordinal));
    }

    [Fact]
    public void PersonalCategories_MatchTheScannerTypes()
    {
        var scannerTypes = typeof(PiiTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToArray();

        Assert.Equal(scannerTypes, PersonalCategories.Names.Order().ToArray());
    }

    private static string Merge(string overrides)
    {
        var baseRecord = new Dictionary<string, System.Text.Json.JsonElement>();
        using var b = System.Text.Json.JsonDocument.Parse("""
            {"Id": "R-1", "Recipient": "Partner", "Mechanism": "StandardContract", "Destinations": ["x.example"],
             "Categories": ["*"], "ValidFrom": "2026-01-01", "ValidTo": "2026-12-31"}
            """);
        using var o = System.Text.Json.JsonDocument.Parse(overrides);
        foreach (var p in b.RootElement.EnumerateObject())
        {
            baseRecord[p.Name] = p.Value.Clone();
        }

        foreach (var p in o.RootElement.EnumerateObject())
        {
            baseRecord[p.Name] = p.Value.Clone();
        }

        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, value) in baseRecord)
            {
                w.WritePropertyName(name);
                value.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
