using EgressGuard.Proxy.Forwarding;

namespace EgressGuard.Proxy.Tests.Forwarding;

/// <summary>
/// The fast path of absolute-form parsing must give exactly what <see cref="Uri"/> gives for every
/// target it takes, and leave everything else to <see cref="Uri"/>.
/// </summary>
public sealed class AbsoluteTargetTests
{
    private static readonly string[] Hosts =
    [
        "example.com", "api.example.com", "a", "localhost", "a-b.example", "a-.com", "-a.com", "a.-b.com", "x1.y2.z3", "1a.com", "com.1a",
        "127.0.0.3", "93.184.216.34", "255.255.255.255", "0.0.0.0", "01.2.3.4", "1.02.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256",
        "127.1", "2130706433", "0x7f.0.0.1", "0x7f000001", "1.2.3.com", "com.1", "1.2.3.4a", "a..b", ".a.b", "a.b.", "xn--bcher-kva.example",
        "Example.com", "EXAMPLE.COM", "a_b.com", "bücher.example", "a%41.com", "[::1]", "[2001:db8::1]", "user@example.com", ":@example.com",
        new string('a', 63) + ".com", new string('a', 64) + ".com", string.Join('.', Enumerable.Repeat(new string('b', 50), 5)) + ".com", "",
    ];

    private static readonly string[] Ports = ["", ":", ":0", ":1", ":80", ":080", ":443", ":8080", ":65535", ":65536", ":99999", ":1a", ":+1", ": 1", ":123456"];

    private static readonly string[] Rests = ["", "/", "/small", "/x?y=1", "?q=1", "#f", "/a%20b", "/path/to?q=1&r=%20#frag", "\\x", "/@x"];

    private static List<string> Targets()
    {
        var data = new List<string>();
        foreach (var scheme in new[] { "http://", "HTTP://", "https://" })
        {
            foreach (var host in Hosts)
            {
                foreach (var port in Ports)
                {
                    foreach (var rest in Rests)
                    {
                        data.Add(scheme + host + port + rest);
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public void TryParseSimple_EveryGeneratedTargetItTakes_MatchesUriExactly()
    {
        var taken = 0;
        foreach (var value in Targets())
        {
            if (!AbsoluteTarget.TryParseSimple(value, out var host, out var port, out var authority))
            {
                continue;
            }

            taken++;
            Assert.True(ForwardProxyMiddleware.TryParseTargetWithUri(value, out var uriHost, out var uriPort, out var uriAuthority, out var problem), value + ": " + problem);
            Assert.Equal((uriHost, uriPort, uriAuthority), (host, port, authority));
        }

        // Not vacuous: the common shapes do take the fast path.
        Assert.True(taken > 500, taken.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("http://127.0.0.3:8080/small", "127.0.0.3", 8080, "127.0.0.3:8080")]
    [InlineData("http://example.com/", "example.com", 80, "example.com")]
    [InlineData("http://example.com:80/x", "example.com", 80, "example.com")]
    [InlineData("http://api.example.com", "api.example.com", 80, "api.example.com")]
    public void TryParseSimple_CommonTargets_TakeTheFastPath(string target, string host, int port, string authority)
    {
        Assert.True(AbsoluteTarget.TryParseSimple(target, out var parsedHost, out var parsedPort, out var parsedAuthority));

        Assert.Equal((host, port, authority), (parsedHost, parsedPort, parsedAuthority));
    }

    [Theory]
    [InlineData("http://Example.com/")]
    [InlineData("http://user@example.com/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://127.1/")]
    [InlineData("http://0x7f.0.0.1/")]
    [InlineData("http://example.com:080/")]
    [InlineData("http://example.com?q")]
    [InlineData("http://bücher.example/")]
    [InlineData("https://example.com/")]
    public void TryParseSimple_UnusualTargets_AreLeftToUri(string target)
    {
        Assert.False(AbsoluteTarget.TryParseSimple(target, out var host, out var port, out _));

        Assert.Equal(string.Empty, host);
        Assert.Equal(0, port);
    }
}
