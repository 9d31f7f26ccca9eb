using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_passport</c>: PRC passports E + 8 digits, E + letter (not I/O) + 7 digits, G/D/S/P + 8 digits,
/// D/S/P + 7 digits, old public-affairs 14/15 + 7 digits; HKSAR K + 8 digits; MSAR MA + 7 digits.
/// No check digit, and the shape matches order and tracking numbers, so a passport keyword is required.
/// </summary>
internal static class PassportDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (!c.IsSingleGroup || c.PlusPrefix || v.Length is < 8 or > 9 || !Matches(v))
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.Passport, false, 0.8f, ContextHints.Passport, v.Length);
        return true;
    }

    private static bool Matches(ReadOnlySpan<byte> v)
    {
        var first = v[0];
        if (v.Length == 9)
        {
            if (first is (byte)'E' or (byte)'G' or (byte)'D' or (byte)'S' or (byte)'P' or (byte)'K' && DigitsFrom(v, 1))
            {
                return true;
            }

            if (first == 'E' && v[1] is >= (byte)'A' and <= (byte)'Z' and not (byte)'I' and not (byte)'O' && DigitsFrom(v, 2))
            {
                return true;
            }

            if (first == 'M' && v[1] == 'A' && DigitsFrom(v, 2))
            {
                return true;
            }

            return first == '1' && v[1] is (byte)'4' or (byte)'5' && DigitsFrom(v, 2);
        }

        return first is (byte)'D' or (byte)'S' or (byte)'P' && DigitsFrom(v, 1);
    }

    private static bool DigitsFrom(ReadOnlySpan<byte> v, int start)
    {
        for (var i = start; i < v.Length; i++)
        {
            if (!CharFold.IsDigit(v[i]))
            {
                return false;
            }
        }

        return true;
    }
}
