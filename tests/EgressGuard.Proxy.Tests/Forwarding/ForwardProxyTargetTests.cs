using EgressGuard.Proxy.Forwarding;

namespace EgressGuard.Proxy.Tests.Forwarding;

public sealed class ForwardProxyTargetTests
{
    [Theory]
    [InlineData("http://example.com/", "example.com", 80, "example.com")]
    [InlineData("http://example.com", "example.com", 80, "example.com")]
    [InlineData("http://example.com/path/to?q=1&r=%20#frag", "example.com", 80, "example.com")]
    [InlineData("http://example.com:80/", "example.com", 80, "example.com")]
    [InlineData("http://example.com:8080/x", "example.com", 8080, "example.com:8080")]
    [InlineData("http://Example.COM:8080/", "example.com", 8080, "example.com:8080")]
    [InlineData("HTTP://example.com/", "example.com", 80, "example.com")]
    [InlineData("http://93.184.216.34/", "93.184.216.34", 80, "93.184.216.34")]
    [InlineData("http://93.184.216.34:65535/", "93.184.216.34", 65535, "93.184.216.34:65535")]
    [InlineData("http://[2001:db8::1]/", "2001:db8::1", 80, "[2001:db8::1]")]
    [InlineData("http://[2001:db8::1]:8080/x", "2001:db8::1", 8080, "[2001:db8::1]:8080")]
    [InlineData("http://[::1]:1/", "::1", 1, "[::1]:1")]
    [InlineData("http://bücher.example/", "xn--bcher-kva.example", 80, "bücher.example")]
    public void TryParseTarget_HttpAbsoluteForm_ReturnsHostPortAndAuthority(string target, string host, int port, string authority)
    {
        Assert.True(ForwardProxyMiddleware.TryParseTarget(target, out var parsedHost, out var parsedPort, out var parsedAuthority, out var problem), problem);

        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
        Assert.Equal(authority, parsedAuthority);
        Assert.Equal(string.Empty, problem);
    }

    [Theory]
    [InlineData("https://example.com/", "https:// targets must use CONNECT")]
    [InlineData("HTTPS://example.com:443/", "https:// targets must use CONNECT")]
    [InlineData("ftp://example.com/file.txt", "unsupported scheme 'ftp'")]
    [InlineData("ws://example.com/socket", "unsupported scheme 'ws'")]
    [InlineData("file:///etc/passwd", "unsupported scheme 'file'")]
    [InlineData("http://user:secret@example.com/", "user-info")]
    [InlineData("http://user@example.com/", "user-info")]
    [InlineData("http://:@example.com/", "user-info")]
    [InlineData("/relative/path", "")]
    [InlineData("relative/path", "absolute-form")]
    [InlineData("example.com:80", "")]
    [InlineData("*", "absolute-form")]
    [InlineData("", "absolute-form")]
    [InlineData("http://example.com:65536/", "absolute-form")]
    [InlineData("http://example.com:port/", "absolute-form")]
    [InlineData("http:///path", "")]
    public void TryParseTarget_NotAForwardableHttpUrl_IsRefusedWithAProblem(string target, string expectedFragment)
    {
        Assert.False(ForwardProxyMiddleware.TryParseTarget(target, out var host, out var port, out _, out var problem));

        Assert.False(string.IsNullOrEmpty(problem));
        Assert.Contains(expectedFragment, problem, StringComparison.Ordinal);
        Assert.Equal(string.Empty, host);
        Assert.Equal(0, port);
    }

    [Fact]
    public void TryParseTarget_Https_ProblemPointsTheClientAtConnect()
    {
        ForwardProxyMiddleware.TryParseTarget("https://api.example.com/v1", out _, out _, out _, out var problem);

        Assert.Contains("CONNECT", problem, StringComparison.Ordinal);
    }
}
