using System.Net;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Tests.Networks;

public sealed class NetworkSetTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("192.168.1.0/24", "192.168.1.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData(" 172.16.0.0/12 ", "172.16.0.0/12")]
    [InlineData("10.1.2.3/32", "10.1.2.3/32")]
    [InlineData("fd00::/8", "fd00::/8")]
    [InlineData("2001:db8:abcd::/48", "2001:db8:abcd::/48")]
    [InlineData("::/0", "::/0")]
    [InlineData("::1/128", "::1/128")]
    public void TryParseNetwork_ValidCidr_ReturnsTheNetwork(string text, string expected)
    {
        Assert.True(NetworkSet.TryParseNetwork(text, out var network, out var error), error);
        Assert.Null(error);
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3/32")]
    [InlineData("::1", "::1/128")]
    [InlineData("2001:db8::5", "2001:db8::5/128")]
    public void TryParseNetwork_BareAddress_ReturnsHostNetwork(string text, string expected)
    {
        Assert.True(NetworkSet.TryParseNetwork(text, out var network, out var error), error);
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("10.0.0.1/8", "host bits")]
    [InlineData("192.168.1.1/24", "host bits")]
    [InlineData("fd00::1/8", "host bits")]
    [InlineData("10.0.0.0/33", "prefix length must be 0-32")]
    [InlineData("fd00::/129", "prefix length must be 0-128")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("10.0.0.0/+8", "prefix length")]
    [InlineData("10.0.0.0/", "prefix length")]
    [InlineData("10.0.0.0/abc", "prefix length")]
    [InlineData("10.0.0.0/8/8", "prefix length")]
    [InlineData("300.0.0.0/8", "bad address")]
    [InlineData("example.com/24", "bad address")]
    [InlineData("/24", "bad address")]
    [InlineData("example.com", "not an IP address")]
    [InlineData("10.0.0.0.0", "not an IP address")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(null, "empty")]
    public void TryParseNetwork_BadText_FailsWithError(string? text, string expectedFragment)
    {
        Assert.False(NetworkSet.TryParseNetwork(text, out _, out var error));
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")] // would be 0.0.0.10
    [InlineData("10.1")] // would be 10.0.0.1
    [InlineData("010.0.0.1")] // would be octal 8.0.0.1
    [InlineData("192.168.001.010")] // would be 192.168.1.8
    [InlineData("0x0a.0.0.1")]
    [InlineData("010.0.0.0/8")] // would be 8.0.0.0/8
    [InlineData("10.0/8")]
    [InlineData("4294967295")]
    public void TryParseNetwork_Ipv4NotAPlainDottedQuad_IsRefusedRatherThanReadAsAnotherNetwork(string text)
    {
        Assert.False(NetworkSet.TryParseNetwork(text, out _, out var error));
        Assert.Contains("four decimal numbers", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0/32")]
    [InlineData("100.64.0.0/10", "100.64.0.0/10")]
    [InlineData("255.255.255.255", "255.255.255.255/32")]
    [InlineData("::ffff:10.0.0.1", "::ffff:10.0.0.1/128")]
    [InlineData("64:ff9b::/96", "64:ff9b::/96")]
    public void TryParseNetwork_PlainAddressesWithZerosAndEmbeddedIpv4_AreAccepted(string text, string expected)
    {
        Assert.True(NetworkSet.TryParseNetwork(text, out var network, out var error), error);
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.7", true)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.0/8", "fd00::1", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("fd00::/8", "10.0.0.1", false)]
    public void Contains_Address_MatchesItsNetworks(string network, string address, bool expected)
    {
        var set = new NetworkSet([IPNetwork.Parse(network)]);

        Assert.Equal(expected, set.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Contains_SeveralNetworks_AnyOneMatches()
    {
        var set = new NetworkSet([IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("::1/128")]);

        Assert.True(set.Contains(IPAddress.Parse("10.9.9.9")));
        Assert.True(set.Contains(IPAddress.Parse("192.168.3.4")));
        Assert.True(set.Contains(IPAddress.IPv6Loopback));
        Assert.False(set.Contains(IPAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void Empty_AnyAddress_ContainsNothing()
    {
        Assert.False(NetworkSet.Empty.Contains(IPAddress.Loopback));
        Assert.False(NetworkSet.Empty.Contains(IPAddress.IPv6Loopback));
        Assert.Empty(NetworkSet.Empty.Networks);
    }

    [Fact]
    public void Networks_AfterCreate_KeepsTheOrderGiven()
    {
        IPNetwork[] networks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("192.168.0.0/16")];

        var set = new NetworkSet(networks);

        Assert.Equal(networks, set.Networks);
    }
}
