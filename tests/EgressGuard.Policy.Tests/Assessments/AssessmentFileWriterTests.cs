using System.Text;
using System.Text.Json;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Tests.Assessments;

public sealed class AssessmentFileWriterTests
{
    [Fact]
    public void Write_RecordsOfEveryShape_ReadBackEqual()
    {
        AssessmentRecord[] records =
        [
            TestRecords.Create("SCC-1", ["api.example.com", "*.example.net", "203.0.113.0/24", "2001:db8::/32", "country:US", "198.51.100.7"]) with
            {
                Mechanism = TransferMechanism.StandardContract,
                Categories = ["cn_mobile", "email", "cn_resident_id"],
                SensitiveIncluded = true,
                Reference = "沪网信备 2026-0001 \"quoted\" <b>&",
                Notes = "line one\nline two\ttab, comma; 中文",
            },
            TestRecords.Create("CAC-2", "country:HK", new DateOnly(2025, 6, 1), new DateOnly(2028, 5, 31)) with
            {
                Mechanism = TransferMechanism.SecurityAssessment,
                Recipient = "Other Corp \\ Subsidiary",
            },
            TestRecords.Create("CERT-3", "*.eu.example.org", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1)) with
            {
                Mechanism = TransferMechanism.Certification,
                Reference = string.Empty,
            },
            TestRecords.Create("EX-4", "fd00:ec2::/32") with { Mechanism = TransferMechanism.Exempt, ExemptBasis = ExemptBasis.Emergency },
        ];

        var bytes = AssessmentFileWriter.Write(records);
        var result = AssessmentFileReader.Read(bytes);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(records.Length, result.Records.Count);
        for (var i = 0; i < records.Length; i++)
        {
            AssertSameRecord(records[i], result.Records[i]);
        }
    }

    [Fact]
    public void Write_NoRecords_ReadsBackAsEmpty()
    {
        var bytes = AssessmentFileWriter.Write([]);

        var result = AssessmentFileReader.Read(bytes);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void Write_Output_IsAnIndentedJsonArrayWithFieldsInDocumentedNames()
    {
        var record = TestRecords.Create("SCC-1", "api.example.com") with { Reference = "REF", Notes = "中文" };

        var text = Encoding.UTF8.GetString(AssessmentFileWriter.Write([record]));

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Contains("中文", text, StringComparison.Ordinal); // not \u-escaped: readable by reviewers
        using var document = JsonDocument.Parse(text);
        var element = Assert.Single(document.RootElement.EnumerateArray().ToArray());
        Assert.Equal(
            ["Id", "Recipient", "Mechanism", "Destinations", "SourceGroups", "Categories", "SensitiveIncluded", "ValidFrom", "ValidTo", "Reference", "Status", "Notes"],
            element.EnumerateObject().Select(p => p.Name));
        Assert.Equal("StandardContract", element.GetProperty("Mechanism").GetString());
        Assert.Equal("2026-01-01", element.GetProperty("ValidFrom").GetString());
        Assert.Equal("2026-12-31", element.GetProperty("ValidTo").GetString());
    }

    [Fact]
    public void Write_RecordWithoutOptionalFields_OmitsThem()
    {
        var record = TestRecords.Create("SCC-1", "api.example.com");

        using var document = JsonDocument.Parse(AssessmentFileWriter.Write([record]));
        var element = document.RootElement[0];

        Assert.False(element.TryGetProperty("Reference", out _));
        Assert.False(element.TryGetProperty("Notes", out _));
    }

    [Fact]
    public void Write_ThenRead_ThenWrite_GivesIdenticalBytes()
    {
        AssessmentRecord[] records =
        [
            TestRecords.Create("A", ["Example.COM", "*.Example.net", "country:us"]) with { Notes = "n" },
            TestRecords.Create("B", "10.0.0.0/8"),
        ];

        var first = AssessmentFileWriter.Write(records);
        var second = AssessmentFileWriter.Write(AssessmentFileReader.Read(first).Records);

        Assert.Equal(first, second);
    }

    private static void AssertSameRecord(AssessmentRecord expected, AssessmentRecord actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Recipient, actual.Recipient);
        Assert.Equal(expected.Mechanism, actual.Mechanism);
        Assert.Equal(expected.Destinations, actual.Destinations);
        Assert.Equal(expected.Categories, actual.Categories);
        Assert.Equal(expected.ValidFrom, actual.ValidFrom);
        Assert.Equal(expected.ValidTo, actual.ValidTo);
        Assert.Equal(expected.Reference, actual.Reference);
        Assert.Equal(expected.Notes, actual.Notes);
    }
}
