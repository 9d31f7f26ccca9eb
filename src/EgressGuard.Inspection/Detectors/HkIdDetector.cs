using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>hk_id</c>: one or two letters, six digits and a MOD 11 check character, written A123456(7), A123456[7]
/// or A1234567. Normalised without brackets.
/// </summary>
internal static class HkIdDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (!c.IsSingleGroup || c.PlusPrefix)
        {
            return false;
        }

        var letters = CharFold.IsLetter(v[0]) ? (v.Length > 1 && CharFold.IsLetter(v[1]) ? 2 : 1) : 0;
        if (letters == 0)
        {
            return false;
        }

        byte check;
        if (c.Suffix != 0)
        {
            if (v.Length != letters + 6)
            {
                return false;
            }

            check = c.Suffix;
        }
        else
        {
            if (v.Length != letters + 7)
            {
                return false;
            }

            check = v[^1];
        }

        var digits = v.Slice(letters, 6);
        foreach (var d in digits)
        {
            if (!CharFold.IsDigit(d))
            {
                return false;
            }
        }

        if (!HkIdChecksum.IsValid(v[..letters], digits, check))
        {
            return false;
        }

        v[..(letters + 6)].CopyTo(normalized);
        normalized[letters + 6] = check;
        match = DetectorMatch.Create(PiiKind.HkId, true, c.Suffix != 0 ? 0.9f : 0.75f, ContextHints.None, letters + 7);
        return true;
    }
}
