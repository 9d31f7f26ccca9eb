using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>imei</c>: a GSMA reporting-body prefix, then TAC and serial; 15 digits with a Luhn check digit, or the
/// 14/16-digit forms (no check digit, IMEISV) in the hyphenated groupings the standard writes. Bare 15-digit
/// numbers need an IMEI keyword: a random 15-digit id passes Luhn one time in ten. Normalised to the first 14
/// digits, so a device's IMEI and IMEISV share a fingerprint.
/// </summary>
internal static class ImeiDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length is < 14 or > 16 || c.PlusPrefix || !c.AllDigits || !IsReportingBody(v))
        {
            return false;
        }

        var validated = false;
        var required = ContextHints.None;
        if (c.IsSingleGroup)
        {
            if (v.Length != 15 || !Luhn.IsValid(v))
            {
                return false;
            }

            validated = true;
            required = ContextHints.Imei;
        }
        else
        {
            if (c.Separator != '-' && c.Separator != ' ')
            {
                return false;
            }

            var g = c.Groups;
            if (v.Length == 15)
            {
                if (!(g.SequenceEqual((ReadOnlySpan<byte>)[2, 6, 6, 1]) || g.SequenceEqual((ReadOnlySpan<byte>)[6, 2, 6, 1]) || g.SequenceEqual((ReadOnlySpan<byte>)[8, 6, 1])) || !Luhn.IsValid(v))
                {
                    return false;
                }

                validated = true;
            }
            else if (v.Length == 14 ? !g.SequenceEqual((ReadOnlySpan<byte>)[2, 6, 6]) : !(g.SequenceEqual((ReadOnlySpan<byte>)[2, 6, 6, 2]) || g.SequenceEqual((ReadOnlySpan<byte>)[8, 6, 2])))
            {
                return false;
            }
        }

        v[..14].CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.Imei, validated, validated ? 0.85f : 0.7f, required, 14);
        return true;
    }

    private static bool IsReportingBody(ReadOnlySpan<byte> v)
    {
        var rb = ((v[0] - '0') * 10) + (v[1] - '0');
        return rb is 1 or 10 or 30 or 33 or 35 or 44 or 45 or 49 or 50 or 51 or 52 or 53 or 54 or 86 or 91 or 98 or 99;
    }
}
