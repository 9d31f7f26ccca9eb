using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>email</c>: an ASCII dot-atom local part (≤ 64, no leading, trailing or double dots) and a domain of at
/// least two labels (≤ 63 each, no edge hyphens) ending in an alphabetic or xn-- top-level label. Quoted local
/// parts and non-ASCII addresses are not matched (see the exceptions in the test data). Normalised to lower case.
/// </summary>
internal static class EmailDetector
{
    /// <summary>Result of looking at one '@'.</summary>
    public enum Outcome
    {
        NoMatch,
        Match,
        NeedMoreData,
    }

    public static Outcome TryMatch(ReadOnlySpan<byte> d, int at, bool final, Span<byte> normalized, out DetectorMatch match, out int start, out int end)
    {
        match = default;
        start = at;
        end = at + 1;
        var k = at;
        while (k > 0 && IsLocal(d[k - 1]))
        {
            k--;
            if (at - k > 64)
            {
                return Outcome.NoMatch;
            }
        }

        var local = d[k..at];
        if (local.IsEmpty || local[0] == '.' || local[^1] == '.' || local.IndexOf(".."u8) >= 0)
        {
            return Outcome.NoMatch;
        }

        var p = at + 1;
        var labels = 0;
        var lastLabelStart = p;
        var lastLabelEnd = p;
        while (true)
        {
            var labelStart = p;
            while (p < d.Length && (CharFold.IsAlnum(d[p]) || d[p] == '-'))
            {
                p++;
                if (p - labelStart > 63)
                {
                    return Outcome.NoMatch;
                }
            }

            if (p == d.Length && !final)
            {
                return Outcome.NeedMoreData;
            }

            if (p == labelStart || d[labelStart] == '-' || d[p - 1] == '-')
            {
                break;
            }

            labels++;
            lastLabelStart = labelStart;
            lastLabelEnd = p;
            if (p + 1 < d.Length && d[p] == '.' && (CharFold.IsAlnum(d[p + 1]) || d[p + 1] == '-'))
            {
                p++;
                continue;
            }

            if (p + 1 >= d.Length && !final)
            {
                return Outcome.NeedMoreData;
            }

            break;
        }

        if (labels < 2 || lastLabelEnd - (at + 1) > 253 || !IsTopLevel(d[lastLabelStart..lastLabelEnd]))
        {
            return Outcome.NoMatch;
        }

        start = k;
        end = lastLabelEnd;
        var n = end - start;
        for (var i = 0; i < n; i++)
        {
            var b = d[start + i];
            normalized[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        match = DetectorMatch.Create(PiiKind.Email, false, 0.95f, ContextHints.None, n);
        return Outcome.Match;
    }

    /// <summary>Characters of an unquoted local part, less the ones that delimit fields in URLs and forms (= &amp; ? / # ').</summary>
    public static bool IsLocal(byte b) => CharFold.IsAlnum(b) || b is (byte)'.' or (byte)'_' or (byte)'%' or (byte)'+' or (byte)'-'
        or (byte)'!' or (byte)'$' or (byte)'*' or (byte)'^' or (byte)'~' or (byte)'|';

    private static bool IsTopLevel(ReadOnlySpan<byte> label)
    {
        if (label.Length >= 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' && label[2] == '-' && label[3] == '-')
        {
            return label.Length > 4;
        }

        if (label.Length < 2)
        {
            return false;
        }

        foreach (var b in label)
        {
            if (!CharFold.IsLetter(b))
            {
                return false;
            }
        }

        return true;
    }
}
