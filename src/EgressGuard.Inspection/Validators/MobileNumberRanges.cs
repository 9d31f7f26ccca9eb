namespace EgressGuard.Inspection.Validators;

/// <summary>
/// Mainland mobile number blocks (MIIT numbering plan): 13x, 14[5-9], 15[0-35-9], 16[2567], 17[0-8],
/// 18x, 19[0-35-9]. Wider than libphonenumber's CN mobile pattern, which leaves out 148/149/174
/// data and satellite blocks; see the Inspection README.
/// </summary>
internal static class MobileNumberRanges
{
    /// <summary>True when 11 ASCII digits are in a mainland mobile block.</summary>
    public static bool IsMobile(ReadOnlySpan<byte> d)
    {
        if (d.Length != 11 || d[0] != '1')
        {
            return false;
        }

        foreach (var b in d)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }
        }

        var third = d[2] - '0';
        return d[1] switch
        {
            (byte)'3' or (byte)'8' => true,
            (byte)'4' => third >= 5,
            (byte)'5' or (byte)'9' => third != 4,
            (byte)'6' => third is 2 or 5 or 6 or 7,
            (byte)'7' => third <= 8,
            _ => false,
        };
    }
}
