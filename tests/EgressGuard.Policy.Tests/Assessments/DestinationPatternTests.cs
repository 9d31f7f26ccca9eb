using System.Net;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Tests.Assessments;

public sealed class DestinationPatternTests
{
    [Theory]
    [InlineData("api.example.com", DestinationPatternKind.Host, "api.example.com", "api.example.com")]
    [InlineData("API.Example.COM.", DestinationPatternKind.Host, "api.example.com", "api.example.com")]
    [InlineData("  api.example.com  ", DestinationPatternKind.Host, "api.example.com", "api.example.com")]
    [InlineData("*.example.com", DestinationPatternKind.Suffix, "example.com", "*.example.com")]
    [InlineData("*.Example.COM", DestinationPatternKind.Suffix, "example.com", "*.example.com")]
    [InlineData("country:US", DestinationPatternKind.Country, "US", "country:US")]
    [InlineData("country:hk", DestinationPatternKind.Country, "HK", "country:HK")]
    [InlineData("Country:Jp", DestinationPatternKind.Country, "JP", "country:JP")]
    [InlineData("203.0.113.0/24", DestinationPatternKind.Network, "203.0.113.0/24", "203.0.113.0/24")]
    [InlineData("2001:db8::/32", DestinationPatternKind.Network, "2001:db8::/32", "2001:db8::/32")]
    [InlineData("198.51.100.7", DestinationPatternKind.Network, "198.51.100.7/32", "198.51.100.7/32")]
    [InlineData("2001:db8::7", DestinationPatternKind.Network, "2001:db8::7/128", "2001:db8::7/128")]
    public void TryParse_ValidPattern_ReturnsNormalisedPattern(string text, DestinationPatternKind kind, string value, string written)
    {
        Assert.True(DestinationPattern.TryParse(text, out var pattern, out var error), error);
        Assert.Null(error);
        Assert.NotNull(pattern);
        Assert.Equal(kind, pattern.Kind);
        Assert.Equal(value, pattern.Value);
        Assert.Equal(written, pattern.ToString());
    }

    [Fact]
    public void TryParse_Cidr_CarriesTheNetwork()
    {
        Assert.True(DestinationPattern.TryParse("203.0.113.0/24", out var pattern, out _));

        Assert.Equal(IPNetwork.Parse("203.0.113.0/24"), pattern!.Network);
        Assert.True(pattern.Network.Contains(IPAddress.Parse("203.0.113.200")));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("  ", "empty")]
    [InlineData("country:USA", "two-letter")]
    [InlineData("country:U", "two-letter")]
    [InlineData("country:", "two-letter")]
    [InlineData("country:U1", "two-letter")]
    [InlineData("country:中国", "two-letter")]
    [InlineData("10.0.0.1/8", "host bits")]
    [InlineData("10.0.0.0/40", "prefix length")]
    [InlineData("not-an-ip/8", "bad address")]
    [InlineData("1", "four decimal numbers")]
    [InlineData("010.0.0.0/8", "four decimal numbers")]
    [InlineData("*.", "not a host name")]
    [InlineData("*example.com", "not a host name")]
    [InlineData("*.*.example.com", "not a host name")]
    [InlineData("example.com:443", "not a host name")]
    [InlineData("https://example.com", "https://example.com")]
    [InlineData("exa mple.com", "not a host name")]
    [InlineData("-bad.example.com", "not a host name")]
    public void TryParse_MalformedPattern_FailsWithError(string? text, string expectedFragment)
    {
        Assert.False(DestinationPattern.TryParse(text, out var pattern, out var error));
        Assert.Null(pattern);
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.example.com")]
    [InlineData("*.example.com")]
    [InlineData("country:US")]
    [InlineData("203.0.113.0/24")]
    [InlineData("2001:db8::/32")]
    public void ToString_ParsedPattern_ParsesBackToAnEqualPattern(string text)
    {
        Assert.True(DestinationPattern.TryParse(text, out var first, out _));
        Assert.True(DestinationPattern.TryParse(first!.ToString(), out var second, out _));

        Assert.Equal(first, second);
    }
}
