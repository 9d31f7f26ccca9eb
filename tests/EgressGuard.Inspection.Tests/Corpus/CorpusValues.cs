using System.Globalization;
using System.Text;

namespace EgressGuard.Inspection.Tests.Corpus;

/// <summary>Random but valid identifiers in the surface forms people type, plus near-misses that must not match.</summary>
internal sealed class CorpusValues
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "欧阳", "司马"];
    private static readonly string[] Given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"];
    private static readonly string[] Provinces = ["11", "31", "44", "32", "33", "51", "42", "61", "81", "37"];
    private static readonly string[] Cities = ["北京市朝阳区", "上海市浦东新区", "广东省深圳市南山区", "浙江省杭州市西湖区", "四川省成都市武侯区", "江苏省南京市鼓楼区"];
    private static readonly string[] Streets = ["建国路", "世纪大道", "科技园南路", "文三路", "人民南路", "中山北路"];
    private static readonly string[] MobilePrefixes = ["130", "135", "138", "139", "147", "150", "158", "166", "177", "186", "189", "199"];
    private readonly Random _rnd;

    public CorpusValues(int seed)
    {
        _rnd = new Random(seed);
    }

    public Random Random => _rnd;

    public string Name() => Pick(Surnames) + Pick(Given);

    public string Address() => Pick(Cities) + Pick(Streets) + _rnd.Next(1, 500).ToString(CultureInfo.InvariantCulture) + "号" + _rnd.Next(1, 30).ToString(CultureInfo.InvariantCulture) + "栋" + _rnd.Next(101, 2999).ToString(CultureInfo.InvariantCulture) + "室";

    public string Mobile()
    {
        var national = Pick(MobilePrefixes) + _rnd.Next(10000000, 99999999).ToString(CultureInfo.InvariantCulture);
        return _rnd.Next(7) switch
        {
            0 => "+86 " + national[..3] + " " + national[3..7] + " " + national[7..],
            1 => "+86-" + national[..3] + "-" + national[3..7] + "-" + national[7..],
            2 => national[..3] + "-" + national[3..7] + "-" + national[7..],
            3 => Fullwidth(national),
            4 => "0086" + national,
            _ => national,
        };
    }

    public string ResidentId(bool validCheck = true)
    {
        var birth = new DateOnly(1950, 1, 1).AddDays(_rnd.Next(0, 20000));
        var first17 = Pick(Provinces) + _rnd.Next(1000, 9999).ToString(CultureInfo.InvariantCulture) + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            + _rnd.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        var check = IdCheck(first17);
        if (!validCheck)
        {
            check = "10X98765432"[("10X98765432".IndexOf(check, StringComparison.Ordinal) + 1 + _rnd.Next(9)) % 11];
        }

        var id = first17 + check;
        return _rnd.Next(5) == 0 ? id.ToLowerInvariant() : id;
    }

    public string BankCard(bool validLuhn = true)
    {
        var prefix = _rnd.Next(3) switch { 0 => "622202", 1 => "621700", _ => "436742" };
        var body = prefix + _rnd.NextInt64(100000000, 999999999).ToString(CultureInfo.InvariantCulture);
        var digits = body + LuhnDigit(body, validLuhn);
        return _rnd.Next(3) == 0 ? string.Join(' ', Enumerable.Range(0, 4).Select(i => digits.Substring(i * 4, 4))) : digits;
    }

    public string Email() => Pick(["zhang", "li.na", "wangwei", "chen_j", "liu+news"]) + _rnd.Next(1, 9999).ToString(CultureInfo.InvariantCulture) + "@" + Pick(["qq.com", "163.com", "example.com", "mail.example.cn"]);

    public string Passport() => "E" + _rnd.Next(10000000, 99999999).ToString(CultureInfo.InvariantCulture);

    public string Ip() => string.Join('.', _rnd.Next(11, 223), _rnd.Next(0, 255), _rnd.Next(0, 255), _rnd.Next(1, 254));

    public string Imei()
    {
        var body = "35" + _rnd.Next(100000, 999999).ToString(CultureInfo.InvariantCulture) + _rnd.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
        return body + LuhnDigit(body, true);
    }

    public string Landline() => Pick(["010-", "021-", "0755-", "0571-"]) + _rnd.Next(2000000, 89999999).ToString(CultureInfo.InvariantCulture);

    // Near-misses for clean telemetry.
    public string Hex(int bytes)
    {
        var b = new byte[bytes];
        _rnd.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    public string Uuid() => new Guid(Enumerable.Range(0, 16).Select(_ => (byte)_rnd.Next(256)).ToArray()).ToString();

    public string Snowflake() => "1" + _rnd.NextInt64(800000000000000000, 899999999999999999).ToString(CultureInfo.InvariantCulture);

    public string OrderNo() => "2024" + _rnd.Next(1, 12).ToString("D2", CultureInfo.InvariantCulture) + _rnd.Next(1, 28).ToString("D2", CultureInfo.InvariantCulture) + _rnd.NextInt64(10000000, 99999999).ToString(CultureInfo.InvariantCulture);

    public T Pick<T>(T[] items) => items[_rnd.Next(items.Length)];

    public static string Fullwidth(string ascii)
    {
        var sb = new StringBuilder(ascii.Length);
        foreach (var c in ascii)
        {
            sb.Append(c is >= '!' and <= '~' ? (char)(c - 0x21 + 0xFF01) : c);
        }

        return sb.ToString();
    }

    private static char IdCheck(string first17)
    {
        int[] w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * w[i];
        }

        return "10X98765432"[sum % 11];
    }

    private char LuhnDigit(string body, bool valid)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        var check = (10 - (sum % 10)) % 10;
        return (char)('0' + (valid ? check : (check + 1 + _rnd.Next(9)) % 10));
    }
}
