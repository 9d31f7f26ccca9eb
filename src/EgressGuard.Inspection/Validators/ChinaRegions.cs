namespace EgressGuard.Inspection.Validators;

/// <summary>Province-level codes of GB/T 2260 and mainland area codes, as used by identifiers.</summary>
internal static class ChinaRegions
{
    /// <summary>
    /// True for the first two digits of a GB/T 2260 province-level division, plus 71 (Taiwan) and the
    /// 81/82/83 prefixes of residence permits for Hong Kong, Macao and Taiwan residents.
    /// </summary>
    public static bool IsProvinceCode(int code) => code switch
    {
        >= 11 and <= 15 => true,
        >= 21 and <= 23 => true,
        >= 31 and <= 37 => true,
        >= 41 and <= 46 => true,
        >= 50 and <= 54 => true,
        >= 61 and <= 65 => true,
        71 or 81 or 82 or 83 => true,
        _ => false,
    };

    /// <summary>True for a real date between 1900-01-01 and <paramref name="today"/> given as ASCII yyyyMMdd.</summary>
    public static bool IsBirthDate(ReadOnlySpan<byte> yyyymmdd, DateOnly today)
    {
        if (!TryDigits(yyyymmdd[..4], out var year) || !TryDigits(yyyymmdd.Slice(4, 2), out var month)
            || !TryDigits(yyyymmdd.Slice(6, 2), out var day))
        {
            return false;
        }

        return IsDate(year, month, day, today);
    }

    /// <summary>True for a real date between 1900-01-01 and <paramref name="today"/>.</summary>
    public static bool IsDate(int year, int month, int day, DateOnly today)
    {
        if (year < 1900 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        return year < today.Year || (year == today.Year && (month < today.Month || (month == today.Month && day <= today.Day)));
    }

    /// <summary>Parses ASCII digits into an integer.</summary>
    public static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            var d = b - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return !s.IsEmpty;
    }

    /// <summary>
    /// Length of the mainland long-distance area code at the start of ASCII digits that begin with the
    /// trunk prefix 0 (010, 02x, 0xxx), or 0 when there is none.
    /// </summary>
    public static int AreaCodeLength(ReadOnlySpan<byte> digits)
    {
        if (digits.Length < 3 || digits[0] != '0')
        {
            return 0;
        }

        if (digits[1] == '1' && digits[2] == '0')
        {
            return 3;
        }

        if (digits[1] == '2')
        {
            return 3;
        }

        return digits[1] is >= (byte)'3' and <= (byte)'9' && digits.Length >= 4 ? 4 : 0;
    }
}
