using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_travel_permit</c>: exit-entry permits for Hong Kong/Macao (C + 8 digits, C + letter + 7 digits,
/// old W + 8), for Taiwan (L + 8), and the return-home permits of HK/MO residents (H/M + 8 or 10 digits)
/// and Taiwan compatriots (T + 8). No check digit: a permit keyword is required.
/// </summary>
internal static class TravelPermitDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (!c.IsSingleGroup || c.PlusPrefix || v.Length is not (9 or 11))
        {
            return false;
        }

        var first = v[0];
        bool ok;
        if (v.Length == 11)
        {
            ok = first is (byte)'H' or (byte)'M' && DigitsFrom(v, 1);
        }
        else
        {
            ok = (first is (byte)'C' or (byte)'W' or (byte)'L' or (byte)'H' or (byte)'M' or (byte)'T' && DigitsFrom(v, 1))
                || (first == 'C' && CharFold.IsLetter(v[1]) && v[1] is not (byte)'I' and not (byte)'O' && DigitsFrom(v, 2));
        }

        if (!ok)
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.TravelPermit, false, 0.8f, ContextHints.Permit, v.Length);
        return true;
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
