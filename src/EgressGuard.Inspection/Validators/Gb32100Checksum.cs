namespace EgressGuard.Inspection.Validators;

/// <summary>
/// GB 32100-2015 unified social credit code: an 18-character code whose 9th–17th characters are a
/// GB 11714 organisation code (own MOD 11 check character) and whose 18th character is a MOD 31 check.
/// </summary>
internal static class Gb32100Checksum
{
    private static ReadOnlySpan<byte> Alphabet => "0123456789ABCDEFGHJKLMNPQRTUWXY"u8;

    private static ReadOnlySpan<byte> Weights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private static ReadOnlySpan<byte> OrgWeights => [3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>True when the MOD 31 check character is right.</summary>
    public static bool IsCreditCodeCheckValid(ReadOnlySpan<byte> code)
    {
        if (code.Length != 18)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = Alphabet.IndexOf(code[i]);
            if (v < 0)
            {
                return false;
            }

            sum += v * Weights[i];
        }

        var check = (31 - (sum % 31)) % 31;
        return Alphabet[check] == code[17];
    }

    /// <summary>True when the embedded GB 11714 organisation code (characters 9–17) has a valid check character.</summary>
    public static bool IsOrganisationCodeValid(ReadOnlySpan<byte> code)
    {
        var org = code.Slice(8, 9);
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = org[i];
            int v;
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                v = c - '0';
            }
            else if (c is >= (byte)'A' and <= (byte)'Z')
            {
                v = c - 'A' + 10;
            }
            else
            {
                return false;
            }

            sum += v * OrgWeights[i];
        }

        var expected = 11 - (sum % 11);
        var expectedChar = expected switch
        {
            10 => (byte)'X',
            11 => (byte)'0',
            _ => (byte)('0' + expected),
        };
        return org[8] == expectedChar;
    }
}
