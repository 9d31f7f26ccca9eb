namespace EgressGuard.Inspection.Validators;

/// <summary>Taiwan national identification number check digit (letter code, weights 1,9,8,…,1, MOD 10).</summary>
internal static class TwIdChecksum
{
    // Letter codes A=10 … Z=35 in the order the Ministry of the Interior assigned them (I, O, W, X, Y, Z out of order).
    private static ReadOnlySpan<byte> LetterCodes => [10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33];

    /// <summary>True when an upper-case letter and nine digits pass the check.</summary>
    public static bool IsValid(ReadOnlySpan<byte> id)
    {
        if (id.Length != 10 || id[0] is < (byte)'A' or > (byte)'Z')
        {
            return false;
        }

        var code = LetterCodes[id[0] - 'A'];
        var sum = (code / 10) + ((code % 10) * 9);
        for (var i = 1; i < 9; i++)
        {
            var d = id[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            sum += d * (9 - i);
        }

        var last = id[9] - '0';
        if ((uint)last > 9)
        {
            return false;
        }

        return (sum + last) % 10 == 0;
    }
}
