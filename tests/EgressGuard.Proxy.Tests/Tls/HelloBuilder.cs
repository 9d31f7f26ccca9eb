using System.Buffers.Binary;
using System.Text;

namespace EgressGuard.Proxy.Tests.Tls;

/// <summary>Builds ClientHello messages and TLS records byte by byte, following RFC 8446 §4.1.2 and RFC 6066 §3.</summary>
internal static class HelloBuilder
{
    public const ushort Grease = 0x5a5a;

    /// <summary>A ClientHello handshake message (header included).</summary>
    public static byte[] Message(string? serverName, bool grease = false, bool ech = false, int paddingBytes = 0)
    {
        var body = new List<byte>();
        body.AddRange([3, 3]);
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i));
        body.Add(32);
        body.AddRange(Enumerable.Repeat((byte)0xab, 32));
        var suites = new List<ushort>();
        if (grease)
        {
            suites.Add(Grease);
        }

        suites.AddRange([0x1301, 0x1302, 0xc02b]);
        AddU16(body, suites.Count * 2);
        foreach (var suite in suites)
        {
            AddU16(body, suite);
        }

        body.AddRange([1, 0]);
        var extensions = new List<byte>();
        if (grease)
        {
            Extension(extensions, Grease, []);
        }

        if (serverName is not null)
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            var data = new List<byte>();
            AddU16(data, name.Length + 3);
            data.Add(0);
            AddU16(data, name.Length);
            data.AddRange(name);
            Extension(extensions, 0, [.. data]);
        }

        Extension(extensions, 0x0010, [0, 3, 2, (byte)'h', (byte)'2']);
        if (ech)
        {
            Extension(extensions, 0xfe0d, [0, 0, 1, 0, 1, 0x2a, 0, 0]);
        }

        if (grease)
        {
            Extension(extensions, 0x1a1a, [0]);
        }

        if (paddingBytes > 0)
        {
            Extension(extensions, 0x0015, new byte[paddingBytes]);
        }

        AddU16(body, extensions.Count);
        body.AddRange(extensions);
        var message = new List<byte> { 1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count };
        message.AddRange(body);
        return [.. message];
    }

    /// <summary>The message framed in TLS handshake records of at most <paramref name="recordSize"/> payload bytes.</summary>
    public static byte[] Records(byte[] message, int recordSize = 16384)
    {
        var output = new List<byte>();
        for (var at = 0; at < message.Length; at += recordSize)
        {
            var n = Math.Min(recordSize, message.Length - at);
            output.AddRange([22, 3, 1]);
            AddU16(output, n);
            output.AddRange(message.AsSpan(at, n).ToArray());
        }

        return [.. output];
    }

    /// <summary>The message in two records, split at <paramref name="at"/>.</summary>
    public static byte[] TwoRecords(byte[] message, int at)
    {
        var output = new List<byte>();
        foreach (var (start, length) in new[] { (0, at), (at, message.Length - at) })
        {
            output.AddRange([22, 3, 1]);
            AddU16(output, length);
            output.AddRange(message.AsSpan(start, length).ToArray());
        }

        return [.. output];
    }

    private static void Extension(List<byte> output, ushort type, byte[] data)
    {
        AddU16(output, type);
        AddU16(output, data.Length);
        output.AddRange(data);
    }

    private static void AddU16(List<byte> output, int value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)value);
        output.AddRange(b.ToArray());
    }
}
