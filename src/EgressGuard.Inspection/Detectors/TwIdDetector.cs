using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary><c>tw_id</c>: a letter, a sex digit (1/2, or 8/9 for the 2021 resident certificate) and eight digits; MOD 10 check.</summary>
internal static class TwIdDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length != 10 || !c.IsSingleGroup || !CharFold.IsLetter(v[0]) || v[1] is not ((byte)'1' or (byte)'2' or (byte)'8' or (byte)'9')
            || !TwIdChecksum.IsValid(v))
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.TwId, true, 0.85f, ContextHints.None, 10);
        return true;
    }
}
