using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using EgressGuard.Proxy.Tests.Connect;
using EgressGuard.Proxy.Tls.ClientHello;

namespace EgressGuard.Proxy.Tests.Tls;

/// <summary>The ClientHello peek: real hellos from .NET's TLS client, GREASE, fragmentation over records and segments, ECH, and hostile bytes.</summary>
public sealed class ClientHelloParserTests
{
    [Fact]
    public async Task RealClientHello_FromSslStream_YieldsTheLowerCasedServerName()
    {
        var hello = await CaptureRealHelloAsync("Api.Example.COM");

        var info = ClientHelloParser.Parse(hello);

        Assert.Equal(ClientHelloStatus.Complete, info.Status);
        Assert.Equal("api.example.com", info.ServerName);
        Assert.False(info.EncryptedClientHello);
        Assert.Equal(hello.Length, info.Length);
    }

    [Fact]
    public void HelloWithGreaseValues_YieldsTheServerName()
    {
        var info = ClientHelloParser.Parse(HelloBuilder.Records(HelloBuilder.Message("grease.example", grease: true)));

        Assert.Equal(ClientHelloStatus.Complete, info.Status);
        Assert.Equal("grease.example", info.ServerName);
    }

    [Fact]
    public void HelloSplitOverTwoRecords_AtEverySplitPoint_YieldsTheServerName()
    {
        var message = HelloBuilder.Message("split.example", grease: true);
        for (var at = 1; at < message.Length; at++)
        {
            var bytes = HelloBuilder.TwoRecords(message, at);

            var info = ClientHelloParser.Parse(bytes);

            Assert.True(info.Status == ClientHelloStatus.Complete, $"split at {at}: {info.Status}");
            Assert.Equal("split.example", info.ServerName);
            Assert.Equal(bytes.Length, info.Length);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public void HelloInManySmallRecords_YieldsTheServerName(int recordSize)
    {
        var info = ClientHelloParser.Parse(HelloBuilder.Records(HelloBuilder.Message("tiny-records.example", paddingBytes: 300), recordSize));

        Assert.Equal(ClientHelloStatus.Complete, info.Status);
        Assert.Equal("tiny-records.example", info.ServerName);
    }

    [Fact]
    public void HelloSplitOverTcpSegments_AtEveryOffsetAndByteByByte_YieldsTheServerName()
    {
        var bytes = HelloBuilder.TwoRecords(HelloBuilder.Message("segments.example"), 40);
        for (var at = 0; at <= bytes.Length; at++)
        {
            Assert.Equal("segments.example", ClientHelloParser.Parse(Segments.SplitAt(bytes, at)).ServerName);
        }

        Assert.Equal("segments.example", ClientHelloParser.Parse(Segments.ByteByByte(bytes)).ServerName);
    }

    [Fact]
    public void EveryTruncation_IsIncompleteNeverAnError()
    {
        var bytes = HelloBuilder.TwoRecords(HelloBuilder.Message("truncated.example", grease: true), 50);
        for (var length = 0; length < bytes.Length; length++)
        {
            var info = ClientHelloParser.Parse(bytes.AsSpan(0, length));

            Assert.True(info.Status == ClientHelloStatus.Incomplete, $"length {length}: {info.Status}");
        }
    }

    [Fact]
    public void HelloWithoutServerName_IsCompleteWithNoName()
    {
        var info = ClientHelloParser.Parse(HelloBuilder.Records(HelloBuilder.Message(null)));

        Assert.Equal(ClientHelloStatus.Complete, info.Status);
        Assert.Null(info.ServerName);
    }

    [Fact]
    public void HelloOfferingEch_IsFlaggedAsEncrypted()
    {
        var info = ClientHelloParser.Parse(HelloBuilder.Records(HelloBuilder.Message("public-name.example", ech: true)));

        Assert.Equal(ClientHelloStatus.Complete, info.Status);
        Assert.True(info.EncryptedClientHello);
        Assert.Equal("public-name.example", info.ServerName);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    public void PlainProtocols_AreNotTls(string text)
    {
        Assert.Equal(ClientHelloStatus.NotTls, ClientHelloParser.Parse(Encoding.ASCII.GetBytes(text)).Status);
    }

    [Theory]
    [InlineData("bad name.example")]
    [InlineData("nul\0.example")]
    [InlineData("[::1]")]
    public void ServerNameWithForbiddenCharacters_IsMalformed(string name)
    {
        Assert.Equal(ClientHelloStatus.Malformed, ClientHelloParser.Parse(HelloBuilder.Records(HelloBuilder.Message(name))).Status);
    }

    [Fact]
    public void HelloDeclaringMoreThanTheBound_IsTooLarge()
    {
        byte[] bytes = [22, 3, 1, 0, 8, 1, 0x01, 0x20, 0x00, 3, 3, 0, 0];

        Assert.Equal(ClientHelloStatus.TooLarge, ClientHelloParser.Parse(bytes).Status);
    }

    [Fact]
    public void RandomBytesAndMutatedHellos_NeverThrowAndNeverInventANameOutsideTheInput()
    {
        var random = new Random(20261125);
        var valid = HelloBuilder.TwoRecords(HelloBuilder.Message("fuzz.example", grease: true, paddingBytes: 40), 77);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 600)];
                random.NextBytes(input);
                if (input.Length > 2 && i % 4 == 0)
                {
                    input[0] = 22;
                    input[1] = 3;
                }
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var m = random.Next(1, 6); m > 0; m--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                input = input[..random.Next(1, input.Length + 1)];
            }

            var info = ClientHelloParser.Parse(input);
            var split = ClientHelloParser.Parse(Segments.SplitAt(input, input.Length / 2));

            Assert.True(Enum.IsDefined(info.Status));
            Assert.Equal(info, split);
            if (info.ServerName is { } name)
            {
                Assert.Contains(name, Encoding.ASCII.GetString(input).ToLowerInvariant(), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>What .NET's own TLS client sends first, captured from a real socket.</summary>
    private static async Task<byte[]> CaptureRealHelloAsync(string serverName)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var server = await listener.AcceptTcpClientAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName }, timeout.Token);

        var stream = server.GetStream();
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, timeout.Token);
        var body = new byte[(header[3] << 8) | header[4]];
        await stream.ReadExactlyAsync(body, timeout.Token);
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        await ssl.DisposeAsync();
        return [.. header, .. body];
    }
}
