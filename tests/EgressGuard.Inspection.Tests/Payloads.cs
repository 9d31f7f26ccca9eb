using System.IO.Compression;
using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>Builds encoded request bodies the way clients send them.</summary>
internal static class Payloads
{
    static Payloads()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static Encoding Gbk => Encoding.GetEncoding("GBK");

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    public static Encoding Big5 => Encoding.GetEncoding("Big5");

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    public static byte[] Brotli(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var br = new BrotliStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            br.Write(data);
        }

        return ms.ToArray();
    }

    public static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>Percent-encodes every byte of <paramref name="value"/> in <paramref name="encoding"/> (as browsers do for non-ASCII).</summary>
    public static string FormEncode(string value, Encoding encoding)
    {
        var sb = new StringBuilder();
        foreach (var b in encoding.GetBytes(value))
        {
            if (b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z')
            {
                sb.Append((char)b);
            }
            else if (b == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public static byte[] Multipart(string boundary, params (string Headers, byte[] Body)[] parts)
    {
        using var ms = new MemoryStream();
        foreach (var (headers, body) in parts)
        {
            ms.Write(Encoding.ASCII.GetBytes("--" + boundary + "\r\n"));
            ms.Write(Encoding.UTF8.GetBytes(headers + "\r\n\r\n"));
            ms.Write(body);
            ms.Write("\r\n"u8);
        }

        ms.Write(Encoding.ASCII.GetBytes("--" + boundary + "--\r\n"));
        return ms.ToArray();
    }
}
