using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_mobile</c>: 11 digits in a mainland mobile block, optionally after +86, 0086 or 86, grouped 3-4-4,
/// 3-8, 4-3-4 or 7-4 with spaces, dashes or dots. Normalised to the 11 national digits.
/// </summary>
internal static class MobileDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length is not (11 or 13 or 15) || !c.AllDigits)
        {
            return false;
        }

        var prefix = v.Length - 11;
        if (prefix == 2 && (v[0] != '8' || v[1] != '6'))
        {
            return false;
        }

        if (prefix == 4 && (c.PlusPrefix || !v.StartsWith("0086"u8)))
        {
            return false;
        }

        if (prefix == 0 && c.PlusPrefix)
        {
            return false;
        }

        var national = v[prefix..];
        if (!MobileNumberRanges.IsMobile(national) || !GroupingOk(c.Groups, prefix))
        {
            return false;
        }

        national.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.Mobile, false, c.IsSingleGroup && prefix == 0 ? 0.85f : 0.9f, ContextHints.None, 11);
        return true;
    }

    private static bool GroupingOk(ReadOnlySpan<byte> groups, int prefix)
    {
        if (groups.Length == 1)
        {
            return true;
        }

        if (prefix > 0)
        {
            if (groups[0] == prefix)
            {
                groups = groups[1..];
            }
            else if (groups[0] != prefix + 3 && groups[0] != prefix + 11)
            {
                return false;
            }
            else
            {
                // "+86138 0013 8000": the country code glued to the first group.
                Span<byte> rest = stackalloc byte[groups.Length];
                groups.CopyTo(rest);
                rest[0] -= (byte)prefix;
                return NationalGroupsOk(rest);
            }
        }

        return NationalGroupsOk(groups);
    }

    private static bool NationalGroupsOk(ReadOnlySpan<byte> g) =>
        g.SequenceEqual((ReadOnlySpan<byte>)[11]) || g.SequenceEqual((ReadOnlySpan<byte>)[3, 4, 4]) || g.SequenceEqual((ReadOnlySpan<byte>)[3, 8]) || g.SequenceEqual((ReadOnlySpan<byte>)[4, 3, 4]) || g.SequenceEqual((ReadOnlySpan<byte>)[7, 4]);
}
