using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_license_plate</c>: a province abbreviation (京, 粤, …), a letter and five (six for new-energy
/// vehicles) letters or digits, optionally a class character (挂学警港澳领试超使); also consulate plates
/// (闽20401领). Two province characters in a row are not a plate.
/// </summary>
internal static class LicensePlateDetector
{
    private const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
    private const string Classes = "挂学警港澳领试超使";

    /// <summary>
    /// Checks the group at [<paramref name="groupStart"/>, <paramref name="groupEnd"/>) of <paramref name="data"/>
    /// with its upper-cased characters <paramref name="group"/>.
    /// </summary>
    public static bool TryMatch(ReadOnlySpan<byte> data, int groupStart, int groupEnd, ReadOnlySpan<byte> group, Span<byte> normalized,
        out DetectorMatch match, out int spanStart, out int spanEnd)
    {
        match = default;
        spanStart = groupStart - 3;
        spanEnd = groupEnd;
        if (groupStart < 3 || group.Length is < 5 or > 7 || !IsIn(data.Slice(groupStart - 3, 3), Provinces))
        {
            return false;
        }

        if (groupStart >= 6 && IsIn(data.Slice(groupStart - 6, 3), Provinces))
        {
            return false;
        }

        var hasClass = groupEnd + 3 <= data.Length && IsIn(data.Slice(groupEnd, 3), Classes);
        if (CharFold.IsLetter(group[0]))
        {
            if (group.Length < 6 || group[0] is (byte)'I' or (byte)'O')
            {
                return false;
            }
        }
        else if (group.Length != 5 || !hasClass)
        {
            return false;
        }

        foreach (var b in group)
        {
            if (!CharFold.IsAlnum(b) || b is (byte)'I' or (byte)'O')
            {
                return false;
            }
        }

        if (hasClass)
        {
            spanEnd += 3;
        }

        data.Slice(spanStart, spanEnd - spanStart).CopyTo(normalized);
        group.CopyTo(normalized[3..]);
        match = DetectorMatch.Create(PiiKind.LicensePlate, false, 0.8f, ContextHints.None, spanEnd - spanStart);
        return true;
    }

    private static bool IsIn(ReadOnlySpan<byte> utf8, string set)
    {
        if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) != System.Buffers.OperationStatus.Done || consumed != 3)
        {
            return false;
        }

        return set.Contains((char)rune.Value, StringComparison.Ordinal);
    }
}
