using System.Text;

namespace EgressGuard.FunctionalTests.Infrastructure;

/// <summary>Reads what a server answered on a raw socket, for hostile-input tests.</summary>
internal static class RawHttp
{
    /// <summary>Reads until the server closes or 5 seconds of silence; returns the text (empty when closed without a word).</summary>
    public static async Task<string> ReadResponseAsync(Stream stream, TimeSpan? silence = null)
    {
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            using var cts = new CancellationTokenSource(silence ?? TimeSpan.FromSeconds(5));
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                return text.ToString();
            }
            catch (IOException)
            {
                return text.ToString();
            }

            if (n == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var s = text.ToString();
            var headEnd = s.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var lengthAt = s.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
                if (lengthAt >= 0 && lengthAt < headEnd)
                {
                    var end = s.IndexOf("\r\n", lengthAt, StringComparison.Ordinal);
                    var length = int.Parse(s.AsSpan(lengthAt + 16, end - lengthAt - 16), System.Globalization.CultureInfo.InvariantCulture);
                    if (Encoding.UTF8.GetByteCount(s[(headEnd + 4)..]) >= length)
                    {
                        return s;
                    }
                }
            }
        }
    }
}
