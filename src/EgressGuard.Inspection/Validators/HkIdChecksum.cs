namespace EgressGuard.Inspection.Validators;

/// <summary>Hong Kong identity card check digit (weighted MOD 11, space = 36, A = 10 … Z = 35).</summary>
internal static class HkIdChecksum
{
    /// <summary>True when 1–2 letters, 6 digits and a check character (0–9 or A) are consistent.</summary>
    public static bool IsValid(ReadOnlySpan<byte> letters, ReadOnlySpan<byte> digits6, byte check)
    {
        if (digits6.Length != 6 || letters.Length is < 1 or > 2)
        {
            return false;
        }

        var sum = 0;
        if (letters.Length == 1)
        {
            sum += 36 * 9;
            sum += (letters[0] - 'A' + 10) * 8;
        }
        else
        {
            sum += (letters[0] - 'A' + 10) * 9;
            sum += (letters[1] - 'A' + 10) * 8;
        }

        for (var i = 0; i < 6; i++)
        {
            sum += (digits6[i] - '0') * (7 - i);
        }

        var remainder = (11 - (sum % 11)) % 11;
        var expected = remainder == 10 ? (byte)'A' : (byte)('0' + remainder);
        return check == expected;
    }
}
