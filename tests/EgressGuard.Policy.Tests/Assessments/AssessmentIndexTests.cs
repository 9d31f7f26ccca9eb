using System.Net;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Tests.Assessments;

public sealed class AssessmentIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress SomePublic = IPAddress.Parse("93.184.216.34");

    private static readonly AssessmentIndex Index = new(
    [
        TestRecords.Create("HOST", "api.example.com"),
        TestRecords.Create("SUFFIX", "*.example.com"),
        TestRecords.Create("CIDR4", "198.18.0.0/15"),
        TestRecords.Create("CIDR6", "2001:db8:1::/48"),
        TestRecords.Create("COUNTRY", "country:JP"),
        TestRecords.Create("MULTI", ["deep.example.org", "*.Example.ORG", "country:DE"]),
    ]);

    [Theory]
    [InlineData("api.example.com", "HOST")]
    [InlineData("sub.example.com", "SUFFIX")]
    [InlineData("a.b.example.com", "SUFFIX")]
    [InlineData("x.y.z.example.com", "SUFFIX")]
    [InlineData("example.com", null)]
    [InlineData("notexample.com", null)]
    [InlineData("example.com.evil.test", null)]
    [InlineData("api.example.com.cn", null)]
    [InlineData("com", null)]
    [InlineData("deep.example.org", "MULTI")]
    [InlineData("www.example.org", "MULTI")]
    [InlineData("example.org", null)]
    public void Find_ByHost_MatchesExactHostAndProperSubdomainsOnly(string host, string? expectedId)
    {
        var match = Index.Find(host, SomePublic, null, Now);

        Assert.Equal(expectedId, match.Covering?.Id);
        Assert.Null(match.Miss);
    }

    [Theory]
    [InlineData("API.Example.COM", "HOST")]
    [InlineData("Sub.EXAMPLE.com.", "SUFFIX")]
    [InlineData("A.B.Example.Com", "SUFFIX")]
    [InlineData("EXAMPLE.COM", null)]
    public void Find_MixedCaseHostAfterNormalize_MatchesCaseInsensitively(string host, string? expectedId)
    {
        var match = Index.Find(HostName.Normalize(host), SomePublic, null, Now);

        Assert.Equal(expectedId, match.Covering?.Id);
    }

    [Theory]
    [InlineData("198.18.0.1", "CIDR4")]
    [InlineData("198.19.255.255", "CIDR4")]
    [InlineData("198.20.0.0", null)]
    [InlineData("::ffff:198.18.3.4", "CIDR4")]
    [InlineData("2001:db8:1:ffff::1", "CIDR6")]
    [InlineData("2001:db8:2::1", null)]
    public void Find_ByAddress_MatchesCidrPatterns(string address, string? expectedId)
    {
        var match = Index.Find("unrelated.test", IPAddress.Parse(address), null, Now);

        Assert.Equal(expectedId, match.Covering?.Id);
    }

    [Theory]
    [InlineData("JP", "COUNTRY")]
    [InlineData("DE", "MULTI")]
    [InlineData("US", null)]
    [InlineData(null, null)]
    public void Find_ByCountry_MatchesCountryPatterns(string? country, string? expectedId)
    {
        var match = Index.Find("unrelated.test", SomePublic, country, Now);

        Assert.Equal(expectedId, match.Covering?.Id);
    }

    [Fact]
    public void Find_SeveralValidRecordsMatch_LowestIndexWins()
    {
        var index = new AssessmentIndex(
        [
            TestRecords.Create("FIRST-COUNTRY", "country:US"),
            TestRecords.Create("SECOND-HOST", "api.example.com"),
            TestRecords.Create("THIRD-SUFFIX", "*.example.com"),
            TestRecords.Create("FOURTH-CIDR", "93.184.216.0/24"),
        ]);

        Assert.Equal("FIRST-COUNTRY", index.Find("api.example.com", SomePublic, "US", Now).Covering?.Id);
        Assert.Equal("SECOND-HOST", index.Find("api.example.com", SomePublic, "JP", Now).Covering?.Id);
        Assert.Equal("THIRD-SUFFIX", index.Find("www.example.com", SomePublic, "JP", Now).Covering?.Id);
        Assert.Equal("FOURTH-CIDR", index.Find("other.test", SomePublic, "JP", Now).Covering?.Id);
    }

    [Fact]
    public void Find_CidrBeforeHostInFile_CidrRecordWins()
    {
        var index = new AssessmentIndex(
        [
            TestRecords.Create("CIDR", "93.184.216.0/24"),
            TestRecords.Create("HOST", "api.example.com"),
        ]);

        Assert.Equal("CIDR", index.Find("api.example.com", SomePublic, null, Now).Covering?.Id);
    }

    [Fact]
    public void Find_EarlierRecordExpiredLaterValid_LaterValidRecordCovers()
    {
        var index = new AssessmentIndex(
        [
            TestRecords.Create("OLD", "api.example.com", new DateOnly(2020, 1, 1), new DateOnly(2022, 12, 31)),
            TestRecords.Create("FUTURE", "*.example.com", new DateOnly(2030, 1, 1), new DateOnly(2032, 12, 31)),
            TestRecords.Create("CURRENT", "country:US"),
        ]);

        var match = index.Find("api.example.com", SomePublic, "US", Now);

        Assert.Equal("CURRENT", match.Covering?.Id);
        Assert.Null(match.Miss);
    }

    [Theory]
    [InlineData("OLD-FIRST", AssessmentValidity.Expired)]
    [InlineData("FUTURE-FIRST", AssessmentValidity.NotYetValid)]
    public void Find_OnlyInvalidRecordsMatch_MissIsTheFirstMatchingRecordsState(string order, AssessmentValidity expected)
    {
        var old = TestRecords.Create("OLD", "api.example.com", new DateOnly(2020, 1, 1), new DateOnly(2022, 12, 31));
        var future = TestRecords.Create("FUTURE", "*.example.com", new DateOnly(2030, 1, 1), new DateOnly(2032, 12, 31));
        var index = new AssessmentIndex(order == "OLD-FIRST" ? [old, future] : [future, old]);

        var match = index.Find("api.example.com", SomePublic, null, Now);

        Assert.Null(match.Covering);
        Assert.Equal(expected, match.Miss);
    }

    [Fact]
    public void Find_NothingMatches_NoCoveringAndNoMiss()
    {
        var index = new AssessmentIndex([TestRecords.Create("OLD", "api.example.com", new DateOnly(2020, 1, 1), new DateOnly(2022, 12, 31))]);

        var match = index.Find("other.example.com", SomePublic, "US", Now);

        Assert.Null(match.Covering);
        Assert.Null(match.Miss);
    }

    [Fact]
    public void Empty_AnyDestination_FindsNothing()
    {
        var match = AssessmentIndex.Empty.Find("api.example.com", SomePublic, "US", Now);

        Assert.Null(match.Covering);
        Assert.Null(match.Miss);
        Assert.Empty(AssessmentIndex.Empty.Records);
    }

    [Fact]
    public void Records_AfterBuild_KeepsSourceOrder()
    {
        Assert.Equal(["HOST", "SUFFIX", "CIDR4", "CIDR6", "COUNTRY", "MULTI"], Index.Records.Select(r => r.Id));
    }
}
