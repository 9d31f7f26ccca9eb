using System.Text;
using EgressGuard.Policy.Assessments;
using EgressGuard.Tests.Common;

namespace EgressGuard.Policy.Tests.Assessments;

public sealed class AssessmentFileReaderTests
{
    private const string ValidFile = """
        // Assessment records: comments are allowed.
        [
          {
            "Id": "SCC-2026-001",
            "Recipient": "Example Overseas Ltd.",
            "Mechanism": "StandardContract",
            "Destinations": ["api.example.com", "*.example.net", "203.0.113.0/24", "country:US"],
            "Categories": ["cn_mobile", "email"],
            "ValidFrom": "2026-01-01",
            "ValidTo": "2026-12-31",
            "Reference": "沪网信备 2026-0001",
            "Notes": "CRM sync"
          },
          {
            "id": "CAC-2025-007",
            "recipient": "Other Corp",
            "mechanism": "securityassessment",
            "destinations": ["2001:db8::/32"],
            "categories": ["*"],
            "validFrom": "2025-06-01",
            "validTo": "2028-05-31"
          }
        ]
        """;

    // One well-formed record; cases below replace single fields with bad values.
    private const string Good = """{"Id":"R-1","Recipient":"Example Ltd.","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["example.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""";

    [Fact]
    public void Read_ValidFile_ReturnsEveryRecordInFileOrder()
    {
        var result = AssessmentFileReader.Read(Encoding.UTF8.GetBytes(ValidFile));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Records.Count);

        var first = result.Records[0];
        Assert.Equal("SCC-2026-001", first.Id);
        Assert.Equal("Example Overseas Ltd.", first.Recipient);
        Assert.Equal(TransferMechanism.StandardContract, first.Mechanism);
        Assert.Equal(["api.example.com", "*.example.net", "203.0.113.0/24", "country:US"], first.Destinations.Select(d => d.ToString()));
        Assert.Equal(
            [DestinationPatternKind.Host, DestinationPatternKind.Suffix, DestinationPatternKind.Network, DestinationPatternKind.Country],
            first.Destinations.Select(d => d.Kind));
        Assert.Equal(["cn_mobile", "email"], first.Categories);
        Assert.Equal(new DateOnly(2026, 1, 1), first.ValidFrom);
        Assert.Equal(new DateOnly(2026, 12, 31), first.ValidTo);
        Assert.Equal("沪网信备 2026-0001", first.Reference);
        Assert.Equal("CRM sync", first.Notes);

        var second = result.Records[1];
        Assert.Equal("CAC-2025-007", second.Id);
        Assert.Equal(TransferMechanism.SecurityAssessment, second.Mechanism);
        Assert.Null(second.Reference);
        Assert.Null(second.Notes);
    }

    [Fact]
    public void Read_EmptyArray_SucceedsWithNoRecords()
    {
        var result = AssessmentFileReader.Read("[]"u8);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void Read_IdAndTextFieldsWithSpaces_AreTrimmed()
    {
        var result = Read("""[{"Id":"  R-1 ","Recipient":" Example Ltd. ","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":[" example.com "],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-01-01"}]""");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("R-1", result.Records[0].Id);
        Assert.Equal("Example Ltd.", result.Records[0].Recipient);
        Assert.Equal("example.com", result.Records[0].Destinations[0].Value);
    }

    [Theory]
    [InlineData("SecurityAssessment", TransferMechanism.SecurityAssessment)]
    [InlineData("StandardContract", TransferMechanism.StandardContract)]
    [InlineData("Certification", TransferMechanism.Certification)]
    [InlineData("Exempt", TransferMechanism.Exempt)]
    [InlineData("standardcontract", TransferMechanism.StandardContract)]
    [InlineData("CERTIFICATION", TransferMechanism.Certification)]
    public void Read_EachMechanismName_IsAccepted(string text, TransferMechanism expected)
    {
        var json = expected == TransferMechanism.Exempt ? Good : Good.Replace("\"ExemptBasis\":\"Contract\",", string.Empty, StringComparison.Ordinal);
        var result = Read(json.Replace("\"Exempt\"", "\"" + text + "\"", StringComparison.Ordinal), wrap: true);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Records[0].Mechanism);
    }

    [Theory]
    // Missing required fields.
    [InlineData("""{"Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Id is required")]
    [InlineData("""{"Id":"R-1","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Recipient is required")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism is required")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations must list at least one")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":[],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations must list at least one")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Categories must list")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidTo":"2026-12-31"}""", "ValidFrom is required")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01"}""", "ValidTo is required")]
    [InlineData("""{"Id":"  ","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Id is required")]
    [InlineData("""{"Id":"R-1","Recipient":null,"Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Recipient is required")]
    // Dates.
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-12-31","ValidTo":"2026-01-01"}""", "ValidTo 2026-01-01 is before ValidFrom 2026-12-31")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-1-1","ValidTo":"2026-12-31"}""", "ValidFrom '2026-1-1' is not an ISO date")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-02-30"}""", "ValidTo '2026-02-30' is not an ISO date")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01T00:00:00","ValidTo":"2026-12-31"}""", "ValidFrom '2026-01-01T00:00:00' is not an ISO date")]
    // Mechanism.
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism 'Contract' is not one of")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"2","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism '2' is not one of")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"0","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism '0' is not one of")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"-1","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism '-1' is not one of")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"+1","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism '+1' is not one of")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"SecurityAssessment,StandardContract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism 'SecurityAssessment,StandardContract' is not one of")]
    // Destinations.
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["10.0.0.1/8"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations[0]: '10.0.0.1/8' has host bits set")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com","10.0.0.0/99"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations[1]: '10.0.0.0/99' is not a CIDR network")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["country:USA"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations[0]: 'country:USA': country must be a two-letter")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["country:1"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations[0]: 'country:1': country must be a two-letter")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["bad host"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations[0]: 'bad host' is not a host name")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":"a.com","Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations must be an array of strings")]
    // Categories.
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["CN-Mobile"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Categories[0]: 'CN-Mobile' is not")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":[],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Categories must list")]
    // Unknown field.
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31","Expires":"2027-01-01"}""", "unknown field 'Expires'")]
    // Numbers where strings belong.
    [InlineData("""{"Id":17,"Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Id is required")]
    [InlineData("""{"Id":"R-1","Recipient":42,"Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Recipient is required")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":1,"Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Mechanism is required")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":[10],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Destinations[0] must be a string")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":[1],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""", "Categories[0] must be a string")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":20260101,"ValidTo":"2026-12-31"}""", "ValidFrom '20260101' is not an ISO date")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31","Reference":12345}""", "Reference must be a string")]
    [InlineData("""{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31","Notes":true}""", "Notes must be a string")]
    // An element that is not an object.
    [InlineData("\"R-1\"", "[0]: must be an object")]
    [InlineData("42", "[0]: must be an object")]
    public void Read_RecordWithOneProblem_FailsWithThatErrorAndNoRecords(string record, string expectedFragment)
    {
        var result = Read(record, wrap: true);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        Assert.Contains(result.Errors, e => e.Contains(expectedFragment, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"Id":"R-1"}""")]
    [InlineData("{}")]
    public void Read_RecordMissingFields_ListsEveryMissingField(string record)
    {
        var result = Read(record, wrap: true);

        Assert.False(result.Succeeded);
        string[] expected =
        [
            "Recipient is required", "Mechanism is required", "Destinations must list", "Categories must list",
            "ValidFrom is required", "ValidTo is required",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(result.Errors, e => e.Contains(fragment, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Read_ManyBadRecords_ListsEveryErrorAtOnceWithIndexAndId()
    {
        var json = "[" + string.Join(",\n",
            Good,
            """{"Id":"R-2","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-12-31","ValidTo":"2026-01-01"}""",
            """{"Id":"R-3","Recipient":"X","Mechanism":"Bribery","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""",
            """{"Id":"R-4","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["10.0.0.0/33"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""",
            """{"Id":"R-5","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["country:ZZZ"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""",
            """{"Id":"R-6","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31","Colour":"red"}""",
            """{"Id":"R-1","Recipient":"X","Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["b.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""",
            """{"Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""",
            """{"Id":"R-9","Recipient":7,"Mechanism":"Exempt","ExemptBasis":"Contract","Destinations":["a.com"],"Categories":["*"],"ValidFrom":"2026-01-01","ValidTo":"2026-12-31"}""") + "]";

        var result = Read(json);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        string[] expected =
        [
            "[1] Id 'R-2': ValidTo 2026-01-01 is before ValidFrom 2026-12-31",
            "[2] Id 'R-3': Mechanism 'Bribery' is not one of",
            "[3] Id 'R-4': Destinations[0]: '10.0.0.0/33'",
            "[4] Id 'R-5': Destinations[0]: 'country:ZZZ'",
            "[5] Id 'R-6': unknown field 'Colour'",
            "[6] Id 'R-1': duplicate id",
            "[7]: Id is required",
            "[7]: Recipient is required",
            "[8] Id 'R-9': Recipient is required",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(result.Errors, e => e.StartsWith(fragment, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, result.Errors.Count);
        Assert.DoesNotContain(result.Errors, e => e.StartsWith("[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DuplicateId_FailsEvenThoughEachRecordIsValid()
    {
        var result = Read("[" + Good + "," + Good + "]");

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        Assert.Equal(["[1] Id 'R-1': duplicate id"], result.Errors);
    }

    [Theory]
    [InlineData("{}", "must be a JSON array")]
    [InlineData("\"records\"", "must be a JSON array")]
    [InlineData("null", "must be a JSON array")]
    [InlineData("17", "must be a JSON array")]
    [InlineData("[", "not valid JSON")]
    [InlineData("[{\"Id\":\"R-1\",}]", "not valid JSON")]
    [InlineData("[{'Id':'R-1'}]", "not valid JSON")]
    [InlineData("{\"Id\":", "not valid JSON")]
    [InlineData("[] []", "not valid JSON")]
    [InlineData("[] x", "not valid JSON")]
    public void Read_DocumentOfWrongShape_FailsWithOneError(string json, string expectedFragment)
    {
        var result = Read(json);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData("// only a comment\n")]
    public void Read_EmptyDocument_Fails(string json)
    {
        var result = Read(json);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Read_DeeplyNestedJson_FailsWithoutThrowing()
    {
        var json = new string('[', 1000) + new string(']', 1000);

        var result = Read(json);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void ReadFile_ValidFile_ReturnsTheRecords()
    {
        using var dir = new TempDirectory();
        var path = dir.File("assessments.json");
        File.WriteAllText(path, ValidFile);

        var result = AssessmentFileReader.ReadFile(path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["SCC-2026-001", "CAC-2025-007"], result.Records.Select(r => r.Id));
    }

    [Fact]
    public void ReadFile_ShippedExampleFile_LoadsWithoutErrors()
    {
        var result = AssessmentFileReader.ReadFile(Path.Combine(RepositoryPaths.Root, "config", "assessments.example.json"));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.NotEmpty(result.Records);
    }

    [Fact]
    public void ReadFile_InvalidFile_PrefixesEveryErrorWithThePath()
    {
        using var dir = new TempDirectory();
        var path = dir.File("assessments.json");
        File.WriteAllText(path, """[{"Id":"R-1"},{"Id":"R-2"}]""");

        var result = AssessmentFileReader.ReadFile(path);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        Assert.True(result.Errors.Count >= 2);
        Assert.All(result.Errors, e => Assert.StartsWith($"assessments file '{path}': ", e, StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("[1] Id 'R-2'", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadFile_MissingFile_FailsWithNotFound()
    {
        using var dir = new TempDirectory();
        var path = dir.File("absent.json");

        var result = AssessmentFileReader.ReadFile(path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_PathIsADirectory_FailsWithoutThrowing()
    {
        using var dir = new TempDirectory();

        var result = AssessmentFileReader.ReadFile(dir.Path);

        Assert.False(result.Succeeded);
        Assert.Contains(dir.Path, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    private static AssessmentLoadResult Read(string json, bool wrap = false) =>
        AssessmentFileReader.Read(Encoding.UTF8.GetBytes(wrap ? "[" + json + "]" : json));
}
