using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_uscc</c>: GB 32100 unified social credit code — registration authority, organisation type, a
/// six-digit division code, the GB 11714 organisation code with its check character, and the MOD 31 check.
/// An organisation identifier: reported with personal = false.
/// </summary>
internal static class UsccDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length != 18 || c.PlusPrefix || !IsAuthority(v[0]))
        {
            return false;
        }

        for (var i = 2; i < 8; i++)
        {
            if (!CharFold.IsDigit(v[i]))
            {
                return false;
            }
        }

        if (!Gb32100Checksum.IsCreditCodeCheckValid(v) || !Gb32100Checksum.IsOrganisationCodeValid(v) || ResidentIdDetector.HasResidentIdShape(v, c.Today))
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.Uscc, true, 0.95f, ContextHints.None, 18);
        return true;
    }

    private static bool IsAuthority(byte b) => b is (>= (byte)'1' and <= (byte)'9') or (byte)'A' or (byte)'N' or (byte)'Y';
}
