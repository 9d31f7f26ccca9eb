using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>mo_id</c>: Macao BIR number, 1/5/7 and six digits with a check digit written 5686611(1). No public
/// check algorithm, so the bracketed form stands alone and the bare eight digits need a Macao ID keyword.
/// </summary>
internal static class MoIdDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (!c.IsSingleGroup || c.PlusPrefix || !c.AllDigits || v[0] is not ((byte)'1' or (byte)'5' or (byte)'7'))
        {
            return false;
        }

        if (c.Suffix != 0 && v.Length == 7 && CharFold.IsDigit(c.Suffix))
        {
            v.CopyTo(normalized);
            normalized[7] = c.Suffix;
            match = DetectorMatch.Create(PiiKind.MoId, false, 0.7f, ContextHints.None, 8);
            return true;
        }

        if (c.Suffix == 0 && v.Length == 8)
        {
            v.CopyTo(normalized);
            match = DetectorMatch.Create(PiiKind.MoId, false, 0.65f, ContextHints.MoId, 8);
            return true;
        }

        return false;
    }
}
