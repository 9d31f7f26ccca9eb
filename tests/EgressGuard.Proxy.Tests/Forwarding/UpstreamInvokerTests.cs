using System.Net;
using EgressGuard.Proxy.Forwarding;

namespace EgressGuard.Proxy.Tests.Forwarding;

/// <summary>The connect callback dials only IP literals (the decided address in the URI), never a name.</summary>
public sealed class UpstreamInvokerTests
{
    [Theory]
    [InlineData("127.0.0.3", "127.0.0.3")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void TryParseAddress_IpLiteral_IsTheAddressDialled(string host, string expected)
    {
        Assert.True(UpstreamInvoker.TryParseAddress(host, out var address));

        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("localhost")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("[example.com]")]
    public void TryParseAddress_Name_IsRefused(string host)
    {
        Assert.False(UpstreamInvoker.TryParseAddress(host, out _));
    }
}
