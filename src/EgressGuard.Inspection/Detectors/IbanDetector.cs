using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary><c>iban</c>: country code, check digits and BBAN of the country's registered length; MOD 97-10.</summary>
internal static class IbanDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length is < 15 or > 34 || c.PlusPrefix || !IbanChecksum.IsValid(v))
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.Iban, true, 0.95f, ContextHints.None, v.Length);
        return true;
    }
}
