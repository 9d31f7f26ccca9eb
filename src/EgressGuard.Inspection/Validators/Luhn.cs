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

        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
