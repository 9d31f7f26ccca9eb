using System.Net;
using System.Net.Sockets;
using System.Text;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Proxy;

/// <summary>Malformed, oversized and slow requests on raw sockets: a clear refusal, never a crash or a stall for others.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET\r\n\r\n")]
    [InlineData("\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n")]
    [InlineData("GET http://127.0.0.3/ HTTP/1.1 trailing\r\n\r\n")]
    public async Task GarbageRequestLine_Gets400(string request)
    {
        await using var box = await ApplianceUnderTest.StartAsync();

        var answer = await SendAsync(box, Encoding.Latin1.GetBytes(request));

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", "no port")]
    [InlineData("CONNECT example.com:https HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:0 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:65536 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT example.com:-1 HTTP/1.1\r\n\r\n", "bad port")]
    [InlineData("CONNECT exa mple.com:443 HTTP/1.1\r\n\r\n", "request line")]
    [InlineData("CONNECT [::1:443 HTTP/1.1\r\n\r\n", "IPv6")]
    public async Task ConnectWithBadTarget_Gets400NamingTheProblem(string request, string problem)
    {
        await using var box = await ApplianceUnderTest.StartAsync();

        var answer = await SendAsync(box, Encoding.ASCII.GetBytes(request));

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains(problem, answer, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await box.RecordsAsync());
    }

    [Theory]
    [InlineData("GET http://127.0.0.3/ HTTP/1.1\r\nHost: 127.0.0.3\r\n")]
    [InlineData("CONNECT 127.0.0.3:443 HTTP/1.1\r\nHost: 127.0.0.3\r\n")]
    public async Task HeadersOverTheLimit_Get431(string head)
    {
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Proxy:MaxHeaderBytes"] = "4096");
        var big = new StringBuilder(head);
        for (var i = 0; i < 100; i++)
        {
            big.Append("X-Filler-").Append(i).Append(": ").Append(new string('f', 100)).Append("\r\n");
        }

        var answer = await SendAsync(box, Encoding.ASCII.GetBytes(big.Append("\r\n").ToString()));

        Assert.StartsWith("HTTP/1.1 431", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CONNECT 127.0.0.3:443 HTTP/1.1\r\nHost: 1")]
    [InlineData("GET http://127.0.0.3/ HTTP/1.1\r\nHost: 1")]
    [InlineData("")]
    public async Task SlowHeaders_AreCutOffAfterTheTimeout_WhileAnotherClientIsServed(string partial)
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync(c => c["Proxy:HeaderTimeout"] = "1s");
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, box.ProxyPort);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync(Encoding.ASCII.GetBytes(partial));

        var served = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, origin.BaseUrl + "/");
        var closed = await ReadUntilClosedAsync(slowStream, TimeSpan.FromSeconds(40));

        Assert.Equal("hello from cn-origin", served.StandardOutput);
        Assert.True(closed, "the proxy kept a client that never finished its head");
    }

    [Fact]
    public async Task ManyBadClientsAtOnce_DoNotStopTheProxyServingAGoodOne()
    {
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.3", "cn-origin");
        await using var box = await ApplianceUnderTest.StartAsync();
        var bad = Enumerable.Range(0, 50).Select(i => SendAsync(box, Encoding.ASCII.GetBytes(i % 2 == 0 ? "CONNECT x\r\n\r\n" : "\0\0\0\0\r\n\r\n"))).ToList();

        var good = await ProcessRunner.CurlAsync("-x", box.ProxyUrl, origin.BaseUrl + "/");
        var answers = await Task.WhenAll(bad);

        Assert.Equal("hello from cn-origin", good.StandardOutput);
        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 400", a, StringComparison.Ordinal));
    }

    private static async Task<string> SendAsync(ApplianceUnderTest box, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, box.ProxyPort);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        return await RawHttp.ReadResponseAsync(stream);
    }

    private static async Task<bool> ReadUntilClosedAsync(Stream stream, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true; // reset counts as closed
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
