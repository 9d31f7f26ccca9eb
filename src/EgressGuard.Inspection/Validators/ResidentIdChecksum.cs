namespace EgressGuard.Inspection.Validators;

/// <summary>GB 11643-1999 check character: ISO 7064 MOD 11-2 over the first 17 digits.</summary>
internal static class ResidentIdChecksum
{
    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private static ReadOnlySpan<byte> CheckChars => "10X98765432"u8;

    /// <summary>The expected 18th character for 17 ASCII digits, or 0 when they are not digits.</summary>
    public static byte Compute(ReadOnlySpan<byte> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var d = first17[i] - '0';
            if ((uint)d > 9)
            {
                return 0;
            }

            sum += d * Weights[i];
        }

        return CheckChars[sum % 11];
    }

    /// <summary>True when 18 characters (upper-case X) carry a correct check character.</summary>
    public static bool IsValid(ReadOnlySpan<byte> id18) => id18.Length == 18 && Compute(id18) == id18[17];
}
