namespace EgressGuard.Inspection.Validators;

/// <summary>The Luhn (mod 10) check used by payment cards and IMEIs.</summary>
internal static class Luhn
{
    /// <summary>True when the ASCII digits pass the Luhn check.</summary>
    public static bool IsValid(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }

        // Branch-free: a table for the doubled digits (a digit > 4 doubled has its digits summed) instead of a
        // data-dependent branch, which random card and IMEI digits mispredict half the time.
        ReadOnlySpan<byte> doubled = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
        var sum = 0;
        var highest = 0u;
        var i = digits.Length - 1;
        for (; i >= 1; i -= 2)
        {
            var plain = (uint)(digits[i] - '0');
            var twice = (uint)(digits[i - 1] - '0');
            highest = Math.Max(highest, Math.Max(plain, twice));
            sum += (int)plain + doubled[(int)Math.Min(twice, 9u)];
        }

        if (i == 0)
        {
            var plain = (uint)(digits[0] - '0');
            highest = Math.Max(highest, plain);
            sum += (int)plain;
        }

        // Any byte outside '0'..'9' makes its value above 9 (as uint): not digits, not valid.
        if (highest > 9)
        {
            return false;
        }

        return sum % 10 == 0;
    }
}
