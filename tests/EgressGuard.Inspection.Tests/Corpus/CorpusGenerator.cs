using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EgressGuard.Inspection.Tests.Corpus;

/// <summary>
/// The inspection corpus, generated deterministically: realistic JSON (plain, \u-escaped, gzip), forms in UTF-8
/// and GBK, multipart with a CSV file, GB18030 text, and clean telemetry full of look-alike numbers.
/// </summary>
internal static class CorpusGenerator
{
    static CorpusGenerator()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static IEnumerable<LabelledDocument> Documents(int perKind = 40, int seed = 2025)
    {
        var v = new CorpusValues(seed);
        for (var i = 0; i < perKind; i++)
        {
            yield return CustomerJson(v, escaped: false, gzip: false);
            yield return CustomerJson(v, escaped: true, gzip: false);
            yield return CustomerJson(v, escaped: false, gzip: true);
            yield return Form(v, Encoding.UTF8);
            yield return Form(v, Encoding.GetEncoding("GBK"));
            yield return MultipartWithCsv(v);
            yield return Gb18030Text(v);
            yield return CleanTelemetry(v);
        }
    }

    /// <summary>Dense customer-record JSON for streaming tests.</summary>
    public static string DenseJson(int approxBytes, int seed)
    {
        var v = new CorpusValues(seed);
        var sb = new StringBuilder("[");
        while (sb.Length < approxBytes)
        {
            sb.Append(JsonSerializer.Serialize(new Dictionary<string, object> { ["name"] = v.Name(), ["mobile"] = v.Mobile(), ["idCard"] = v.ResidentId(), ["email"] = v.Email() }, Relaxed)).Append(',');
        }

        return sb.Append("{}]").ToString();
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions AsciiOnly = new() { Encoder = JavaScriptEncoder.Default };

    private static LabelledDocument CustomerJson(CorpusValues v, bool escaped, bool gzip)
    {
        var expected = new List<(string, string)>();
        var customers = new List<Dictionary<string, object>>();
        var n = v.Random.Next(1, 4);
        for (var i = 0; i < n; i++)
        {
            var path = "body/json:$.data.customers[" + i + "]";
            var c = new Dictionary<string, object>
            {
                ["customerId"] = v.Snowflake(),
                ["name"] = v.Name(),
                ["mobile"] = v.Mobile(),
                ["idCard"] = v.ResidentId(),
                ["email"] = v.Email(),
                ["bankCard"] = v.BankCard(),
                ["address"] = v.Address(),
                ["passportNo"] = v.Passport(),
                ["lastLoginIp"] = v.Ip(),
                ["deviceImei"] = v.Imei(),
                ["officePhone"] = v.Landline(),
                ["createdAt"] = 1732500000000L + v.Random.Next(),
                ["vip"] = v.Random.Next(2) == 1,
            };
            customers.Add(c);
            expected.Add((PiiTypes.PersonName, path + ".name"));
            expected.Add((PiiTypes.CnMobile, path + ".mobile"));
            expected.Add((PiiTypes.CnResidentId, path + ".idCard"));
            expected.Add((PiiTypes.Email, path + ".email"));
            expected.Add((PiiTypes.BankCard, path + ".bankCard"));
            expected.Add((PiiTypes.Address, path + ".address"));
            expected.Add((PiiTypes.CnPassport, path + ".passportNo"));
            expected.Add((PiiTypes.IpAddress, path + ".lastLoginIp"));
            expected.Add((PiiTypes.Imei, path + ".deviceImei"));
            expected.Add((PiiTypes.CnLandline, path + ".officePhone"));
        }

        var doc = new Dictionary<string, object>
        {
            ["requestId"] = v.Uuid(),
            ["ts"] = 1732500000 + v.Random.Next(100000),
            ["data"] = new Dictionary<string, object> { ["customers"] = customers, ["total"] = n, ["page"] = 1 },
            ["signature"] = v.Hex(32),
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(doc, escaped ? AsciiOnly : Relaxed);
        return new LabelledDocument(escaped ? "json-escaped" : gzip ? "json-gzip" : "json", gzip ? Gzip(json) : json, "application/json; charset=utf-8", gzip ? "gzip" : null, expected);
    }

    private static LabelledDocument Form(CorpusValues v, Encoding encoding)
    {
        var gbk = encoding.CodePage != Encoding.UTF8.CodePage;
        var name = v.Name();
        var fields = new List<(string Key, string Value, string? Type)>
        {
            (gbk ? "姓名" : "name", name, PiiTypes.PersonName),
            (gbk ? "手机号" : "mobile", v.Mobile(), PiiTypes.CnMobile),
            (gbk ? "身份证号" : "id_no", v.ResidentId(), PiiTypes.CnResidentId),
            (gbk ? "邮箱" : "email", v.Email(), PiiTypes.Email),
            (gbk ? "收货地址" : "address", v.Address(), PiiTypes.Address),
            ("csrf_token", v.Hex(24), null),
            ("order_no", v.OrderNo(), null),
            ("amount", (v.Random.Next(100, 99999) / 100.0).ToString(CultureInfo.InvariantCulture), null),
            ("remark", gbk ? "请尽快发货，谢谢" : "please deliver asap", null),
        };
        var body = string.Join("&", fields.Select(f => Encode(f.Key, encoding) + "=" + Encode(f.Value, encoding)));
        var expected = fields.Where(f => f.Type is not null).Select(f => (f.Type!, "body/form:" + f.Key)).ToList();
        return new LabelledDocument(gbk ? "form-gbk" : "form-utf8", Encoding.ASCII.GetBytes(body),
            "application/x-www-form-urlencoded" + (gbk ? "; charset=GBK" : string.Empty), null, expected);
    }

    private static LabelledDocument MultipartWithCsv(CorpusValues v)
    {
        const string Boundary = "----WebKitFormBoundaryQ7wE9rT2yU4iO6pA";
        var csv = new StringBuilder("姓名,手机,身份证号,邮箱,订单号,金额\r\n");
        var expected = new List<(string, string)>();
        var rows = v.Random.Next(2, 8);
        for (var i = 0; i < rows; i++)
        {
            csv.Append(v.Name()).Append(',').Append(v.Mobile()).Append(',').Append(v.ResidentId()).Append(',').Append(v.Email()).Append(',')
               .Append(v.OrderNo()).Append(',').Append(v.Random.Next(1, 9999).ToString(CultureInfo.InvariantCulture)).Append(".00\r\n");
            expected.Add((PiiTypes.PersonName, $"multipart:export.csv/csv[{i + 1}]:姓名"));
            expected.Add((PiiTypes.CnMobile, $"multipart:export.csv/csv[{i + 1}]:手机"));
            expected.Add((PiiTypes.CnResidentId, $"multipart:export.csv/csv[{i + 1}]:身份证号"));
            expected.Add((PiiTypes.Email, $"multipart:export.csv/csv[{i + 1}]:邮箱"));
        }

        var meta = JsonSerializer.SerializeToUtf8Bytes(new { uploader = v.Email(), batch = v.Uuid(), count = rows });
        expected.Add((PiiTypes.Email, "multipart:meta.json/json:$.uploader"));
        var body = new MemoryStream();
        void Part(string headers, byte[] content)
        {
            body.Write(Encoding.UTF8.GetBytes("--" + Boundary + "\r\n" + headers + "\r\n\r\n"));
            body.Write(content);
            body.Write("\r\n"u8);
        }

        Part("Content-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\nContent-Type: text/csv", Encoding.UTF8.GetBytes(csv.ToString()));
        Part("Content-Disposition: form-data; name=\"meta\"; filename=\"meta.json\"\r\nContent-Type: application/json", meta);
        Part("Content-Disposition: form-data; name=\"token\"", Encoding.ASCII.GetBytes(v.Hex(20)));
        body.Write(Encoding.ASCII.GetBytes("--" + Boundary + "--\r\n"));
        return new LabelledDocument("multipart-csv", body.ToArray(), "multipart/form-data; boundary=" + Boundary, null, expected);
    }

    private static LabelledDocument Gb18030Text(CorpusValues v)
    {
        var expected = new List<(string, string)>();
        var sb = new StringBuilder("客户登记表（内部资料，请勿外传）\n");
        var n = v.Random.Next(1, 4);
        for (var i = 0; i < n; i++)
        {
            sb.Append("姓名：").Append(v.Name()).Append("，手机：").Append(v.Mobile()).Append("，身份证号：").Append(v.ResidentId())
              .Append("，住址：").Append(v.Address()).Append("。备注：第").Append(v.Random.Next(1, 99)).Append("批次，订单").Append(v.OrderNo()).Append("已发货𠀀😀。\n");
            expected.Add((PiiTypes.PersonName, "body"));
            expected.Add((PiiTypes.CnMobile, "body"));
            expected.Add((PiiTypes.CnResidentId, "body"));
            expected.Add((PiiTypes.Address, "body"));
        }

        return new LabelledDocument("text-gb18030", Encoding.GetEncoding("GB18030").GetBytes(sb.ToString()), "text/plain; charset=GB18030", null, expected);
    }

    private static LabelledDocument CleanTelemetry(CorpusValues v)
    {
        var events = new List<Dictionary<string, object>>();
        for (var i = 0; i < 20; i++)
        {
            events.Add(new Dictionary<string, object>
            {
                ["ts"] = 1732500000000L + v.Random.Next(),
                ["tsSec"] = 1732500000 + v.Random.Next(100000),
                ["eventId"] = v.Uuid(),
                ["traceId"] = v.Hex(16),
                ["spanId"] = v.Hex(8),
                ["sha1"] = v.Hex(20),
                ["snowflake"] = v.Snowflake(),
                ["orderNo"] = v.OrderNo(),
                ["idempotencyKey"] = v.ResidentId(validCheck: false),
                ["cardTokenRef"] = v.BankCard(validLuhn: false),
                ["build"] = v.Random.Next(20200101, 20251231),
                ["version"] = "10.0." + v.Random.Next(10000, 30000) + "." + v.Random.Next(1, 3000),
                ["appVersion"] = v.Random.Next(1, 9) + "." + v.Random.Next(0, 40) + "." + v.Random.Next(0, 200),
                ["latLng"] = "31." + v.Random.Next(100000, 999999) + ",121." + v.Random.Next(100000, 999999),
                ["durationMs"] = v.Random.Next(1, 99999),
                ["bytes"] = v.Random.NextInt64(1, 99999999999),
                ["ratio"] = Math.Round(v.Random.NextDouble(), 6),
                ["model"] = "SM-G" + v.Random.Next(9000, 9999) + "0",
                ["sku"] = "SKU-" + v.Random.Next(100000, 999999) + "-" + v.Random.Next(10, 99),
                ["date"] = "2024-11-" + v.Random.Next(10, 28) + "T" + v.Random.Next(10, 23) + ":" + v.Random.Next(10, 59) + ":00.000Z",
                ["status"] = v.Pick(new[] { "ok", "retry", "timeout" }),
                ["msg"] = "请求处理完成，耗时" + v.Random.Next(1, 999) + "毫秒",
            });
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new { app = "mall-web", env = "prod", events }, Relaxed);
        return new LabelledDocument("clean-telemetry", json, "application/json", null, []);
    }

    private static string Encode(string value, Encoding encoding)
    {
        var sb = new StringBuilder();
        foreach (var b in encoding.GetBytes(value))
        {
            if (b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'-' or (byte)'_' or (byte)'.')
            {
                sb.Append((char)b);
            }
            else if (b == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }
}
