using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Tests.Networks;

public sealed class HostNameTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("Example.COM", "example.com")]
    [InlineData("API.Example.Com.", "api.example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de")]
    [InlineData("", "")]
    public void Normalize_Host_LowerCasesAndDropsOneTrailingDot(string host, string expected)
    {
        Assert.Equal(expected, HostName.Normalize(host));
    }

    [Fact]
    public void Normalize_AlreadyNormal_ReturnsTheSameInstance()
    {
        var host = "already.normal.example";

        Assert.Same(host, HostName.Normalize(host));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("a")]
    [InlineData("localhost")]
    [InlineData("a-b.c-d.example")]
    [InlineData("_dmarc.example.com")]
    [InlineData("123.example.com")]
    [InlineData("xn--fiqs8s.cn")]
    [InlineData("EXAMPLE.com")]
    public void IsValid_WellFormedName_ReturnsTrue(string host)
    {
        Assert.True(HostName.IsValid(host));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData(".example.com")]
    [InlineData("example.com.")]
    [InlineData("example..com")]
    [InlineData("-example.com")]
    [InlineData("example-.com")]
    [InlineData("example.com-")]
    [InlineData("exa mple.com")]
    [InlineData("example.com:443")]
    [InlineData("*.example.com")]
    [InlineData("exam/ple.com")]
    [InlineData("bücher.de")]
    [InlineData("[::1]")]
    public void IsValid_MalformedName_ReturnsFalse(string host)
    {
        Assert.False(HostName.IsValid(host));
    }

    [Fact]
    public void IsValid_LabelOf63Characters_IsAcceptedButNot64()
    {
        Assert.True(HostName.IsValid(new string('a', 63) + ".com"));
        Assert.False(HostName.IsValid(new string('a', 64) + ".com"));
    }

    [Fact]
    public void IsValid_NameOf253Characters_IsAcceptedButNot254()
    {
        // Four labels of 63 characters with three dots = 255; trim to lengths around the limit.
        var label = new string('a', 63);
        var name253 = label + "." + label + "." + label + "." + new string('b', 61);
        var name254 = label + "." + label + "." + label + "." + new string('b', 62);

        Assert.Equal(253, name253.Length);
        Assert.True(HostName.IsValid(name253));
        Assert.False(HostName.IsValid(name254));
    }
}
