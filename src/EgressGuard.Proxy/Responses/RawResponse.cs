using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace EgressGuard.Proxy.Responses;

/// <summary>
/// HTTP/1.1 responses written straight to a connection, for the CONNECT path where no Kestrel
/// request exists. Cold path: allocation is fine here.
/// </summary>
public static class RawResponse
{
    /// <summary>Writes a complete response with <c>Connection: close</c> and flushes it.</summary>
    public static async ValueTask WriteAsync(PipeWriter output, int status, string reasonPhrase, string body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var sb = new StringBuilder(256);
        sb.Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reasonPhrase).Append("\r\n");
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                sb.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        sb.Append("Content-Type: text/plain; charset=utf-8\r\n")
          .Append("Cache-Control: no-store\r\n")
          .Append("Content-Length: ").Append(bodyBytes.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
          .Append("Connection: close\r\n\r\n");
        var head = Encoding.ASCII.GetBytes(sb.ToString());
        await output.WriteAsync(head);
        await output.WriteAsync(bodyBytes);
    }

    /// <summary>The reply that opens a tunnel.</summary>
    public static ReadOnlyMemory<byte> ConnectionEstablished { get; } = "HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray();
}
