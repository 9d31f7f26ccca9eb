using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>us_ssn</c>: AAA-GG-SSSS with one consistent separator (dash, space or dot); area not 000/666/9xx,
/// group not 00, serial not 0000, and not the published specimen numbers. Nine bare digits need an SSN keyword.
/// </summary>
internal static class UsSsnDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length != 9 || c.PlusPrefix || !c.AllDigits)
        {
            return false;
        }

        var required = ContextHints.Ssn;
        if (!c.IsSingleGroup)
        {
            if (!c.GroupsAre([3, 2, 4]) || c.Separator == Candidate.MixedSeparators || c.Separator == ':')
            {
                return false;
            }

            required = ContextHints.None;
        }

        if (v.StartsWith("000"u8) || v.StartsWith("666"u8) || v[0] == '9' || (v[3] == '0' && v[4] == '0') || v[5..].SequenceEqual("0000"u8)
            || v.SequenceEqual("078051120"u8) || v.SequenceEqual("219099999"u8) || v.SequenceEqual("123456789"u8))
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.UsSsn, false, required == ContextHints.None ? 0.75f : 0.65f, required, 9);
        return true;
    }
}
