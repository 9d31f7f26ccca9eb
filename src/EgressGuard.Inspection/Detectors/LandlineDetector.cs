using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_landline</c>: area code (010, 02x, 0xxx) and a 7–8 digit local number. Written with a dash
/// (<c>010-88993108</c>, optional extension) it stands alone; run together, with a space, or without the
/// area code it needs a phone keyword nearby, because 10–12 digit numbers are everywhere in telemetry.
/// 400/800 service numbers belong to companies and are not reported.
/// </summary>
internal static class LandlineDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length is < 7 or > 17 || !c.AllDigits)
        {
            return false;
        }

        var g = c.Groups;
        if (v[0] != '0')
        {
            // Local number only (no area code): context required.
            if (c.IsSingleGroup && v.Length is 7 or 8 && v[0] is not ((byte)'0' or (byte)'1') && !v.StartsWith("400"u8) && !v.StartsWith("800"u8))
            {
                v.CopyTo(normalized);
                match = DetectorMatch.Create(PiiKind.Landline, false, 0.6f, ContextHints.Phone, v.Length);
                return true;
            }

            return false;
        }

        var area = ChinaRegions.AreaCodeLength(v);
        if (area == 0)
        {
            return false;
        }

        int local;
        var required = ContextHints.Phone;
        if (c.IsSingleGroup)
        {
            local = v.Length - area;
        }
        else if (g[0] == area && (g.Length == 2 || (g.Length == 3 && g[2] <= 5)))
        {
            local = g[1];
            if (c.Separator == '-')
            {
                required = ContextHints.None;
            }
        }
        else
        {
            return false;
        }

        if (local is < 7 or > 8 || v[area] == '0')
        {
            return false;
        }

        v[..(area + local)].CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.Landline, false, required == ContextHints.None ? 0.7f : 0.75f, required, area + local);
        return true;
    }
}
