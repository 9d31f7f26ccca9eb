using System.Text;
using System.Text.RegularExpressions;

namespace EgressGuard.Benchmarks.Inspection;

/// <summary>
/// The comparison point: the same detectors written the usual way — decode the body to a string, run one compiled
/// regular expression per type, validate each hit (Luhn, GB 11643 check, IPv4 ranges). Decompression and JSON/form
/// decoding are done with the BCL up front, as such scanners do.
/// </summary>
internal sealed class RegexPiiScanner
{
    private static readonly (string Type, Regex Pattern)[] Patterns =
    [
        ("cn_resident_id", new Regex(@"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("cn_mobile", new Regex(@"(?<![0-9A-Za-z])(?:(?:\+|00)?86[ -]?)?1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])[ .-]?\d{4}[ .-]?\d{4}(?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("bank_card", new Regex(@"(?<![0-9A-Za-z])(?:62|4\d|5[1-5]|3[47]|35)\d{2}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("email", new Regex(@"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("ip_address", new Regex(@"(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9.])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("cn_passport", new Regex(@"(?<![0-9A-Za-z])(?:E[0-9A-HJ-NP-Z]\d{7}|[GDSPK]\d{8})(?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("hk_id", new Regex(@"(?<![0-9A-Za-z])[A-Z]{1,2}\d{6}\(?[0-9A]\)?", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("tw_id", new Regex(@"(?<![0-9A-Za-z])[A-Z][12]\d{8}(?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("cn_uscc", new Regex(@"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("iban", new Regex(@"(?<![0-9A-Za-z])[A-Z]{2}\d{2}(?: ?[0-9A-Z]{4}){2,7}(?: ?[0-9A-Z]{1,4})?(?![0-9A-Za-z])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("mac_address", new Regex(@"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("us_ssn", new Regex(@"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("cn_license_plate", new Regex(@"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
    ];

    /// <summary>Number of validated hits (a real scanner would build findings from them).</summary>
    public static int Scan(string text)
    {
        var count = 0;
        foreach (var (type, pattern) in Patterns)
        {
            for (var m = pattern.Match(text); m.Success; m = m.NextMatch())
            {
                if (Validate(type, m.ValueSpan))
                {
                    count++;
                }
            }
        }

        return count;
    }

    public static string DecodeJson(byte[] body)
    {
        // Undo \u escapes as the receiving server would; the regex scanner then sees the unescaped document.
        var text = Encoding.UTF8.GetString(body);
        return text.Contains('\\', StringComparison.Ordinal) ? Regex.Unescape(text) : text;
    }

    public static string DecodeForm(byte[] body) => Uri.UnescapeDataString(Encoding.ASCII.GetString(body).Replace('+', ' '));

    private static bool Validate(string type, ReadOnlySpan<char> v)
    {
        Span<char> digits = stackalloc char[v.Length];
        var n = 0;
        foreach (var c in v)
        {
            if (char.IsAsciiDigit(c) || c is 'X' or 'x')
            {
                digits[n++] = c;
            }
        }

        digits = digits[..n];
        return type switch
        {
            "bank_card" => Luhn(digits),
            "cn_resident_id" => n == 18 && ResidentIdCheck(digits),
            "ip_address" => IpOk(v),
            _ => true,
        };
    }

    private static bool Luhn(ReadOnlySpan<char> d)
    {
        var sum = 0;
        for (var i = 0; i < d.Length; i++)
        {
            var x = d[d.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                x = x * 2 > 9 ? (x * 2) - 9 : x * 2;
            }

            sum += x;
        }

        return sum % 10 == 0;
    }

    private static bool ResidentIdCheck(ReadOnlySpan<char> d)
    {
        ReadOnlySpan<int> w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (d[i] - '0') * w[i];
        }

        return char.ToUpperInvariant(d[17]) == "10X98765432"[sum % 11];
    }

    private static bool IpOk(ReadOnlySpan<char> v)
    {
        foreach (var part in v.ToString().Split('.'))
        {
            if (int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }
}
