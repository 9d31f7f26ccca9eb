using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EgressGuard.Benchmarks.Inspection;

/// <summary>Deterministic request bodies for the scanner benchmarks.</summary>
internal static class InspectionPayloads
{
    private static readonly string[] Events = ["page_view", "click", "api_call", "heartbeat", "render", "search"];
    private static readonly string[] Surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "军"];

    /// <summary>Telemetry JSON without PII but full of numbers: timestamps, ids, hashes, UUIDs, versions.</summary>
    public static byte[] CleanJson(int bytes, int seed = 1)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder(bytes + 1024).Append('[');
        var ts = 1732500000000L;
        while (sb.Length < bytes)
        {
            ts += rnd.Next(1, 5000);
            sb.Append("{\"ts\":").Append(ts)
              .Append(",\"event\":\"").Append(Events[rnd.Next(Events.Length)])
              .Append("\",\"session\":\"").Append(new Guid(Bytes(rnd, 16)).ToString())
              .Append("\",\"trace_id\":\"").Append(Convert.ToHexStringLower(Bytes(rnd, 16)))
              .Append("\",\"order_id\":\"ORD").Append(ts / 1000).Append(rnd.Next(1000, 9999))
              .Append("\",\"duration_ms\":").Append(rnd.Next(1, 20000))
              .Append(",\"ratio\":").Append((rnd.NextDouble() * 100).ToString("F4", CultureInfo.InvariantCulture))
              .Append(",\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0\"")
              .Append(",\"app\":{\"version\":\"").Append(rnd.Next(1, 9)).Append('.').Append(rnd.Next(0, 30)).Append('.').Append(rnd.Next(0, 300))
              .Append("\",\"build\":").Append(rnd.Next(10000, 99999))
              .Append(",\"region\":\"cn-east-").Append(rnd.Next(1, 4)).Append("\"},\"ok\":true},");
        }

        sb.Append("{}]");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Customer records: every record has a name, mobile, resident ID, e-mail, bank card and address.</summary>
    public static byte[] DensePiJson(int bytes, int seed = 2)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder(bytes + 1024).Append('[');
        while (sb.Length < bytes)
        {
            sb.Append("{\"name\":\"").Append(Surnames[rnd.Next(Surnames.Length)]).Append(Given[rnd.Next(Given.Length)])
              .Append("\",\"mobile\":\"13").Append(rnd.Next(0, 10)).Append(rnd.Next(10000000, 99999999))
              .Append("\",\"idCard\":\"").Append(ResidentId(rnd))
              .Append("\",\"email\":\"user").Append(rnd.Next(1000, 999999)).Append("@example.com")
              .Append("\",\"card\":\"").Append(Card(rnd))
              .Append("\",\"address\":\"北京市朝阳区建国路").Append(rnd.Next(1, 300)).Append("号\"},");
        }

        sb.Append("{}]");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A sign-up form, URL-encoded, with a few PII fields among ordinary ones.</summary>
    public static byte[] Form()
    {
        var sb = new StringBuilder();
        sb.Append("csrf=").Append(Convert.ToHexStringLower(Bytes(new Random(3), 32)));
        sb.Append("&name=%E5%BC%A0%E4%B8%89&mobile=138+0013+8000&idcard=11010519491231002X&email=zhangsan%40example.com");
        sb.Append("&city=%E5%8C%97%E4%BA%AC&agree=on&ts=1732500000123&comment=");
        for (var i = 0; i < 40; i++)
        {
            sb.Append("%E8%AF%B7%E5%B0%BD%E5%BF%AB%E5%8F%91%E8%B4%A7+");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    private static byte[] Bytes(Random rnd, int n)
    {
        var b = new byte[n];
        rnd.NextBytes(b);
        return b;
    }

    private static string ResidentId(Random rnd)
    {
        var first17 = "110105" + rnd.Next(1950, 2005).ToString(CultureInfo.InvariantCulture) + rnd.Next(10, 13).ToString(CultureInfo.InvariantCulture)
            + rnd.Next(10, 29).ToString(CultureInfo.InvariantCulture) + rnd.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * weights[i];
        }

        return first17 + "10X98765432"[sum % 11];
    }

    private static string Card(Random rnd)
    {
        var digits = "622202" + rnd.NextInt64(100000000000, 999999999999).ToString(CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                d = d > 9 ? d - 9 : d;
            }

            sum += d;
        }

        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
