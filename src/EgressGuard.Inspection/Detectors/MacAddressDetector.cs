using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>mac_address</c>: EUI-48/EUI-64 as 6 or 8 hex pairs joined by one consistent ':', '-' or ' ', or 3/4
/// dotted quads (Cisco). Twelve or sixteen bare hex digits look like any hash fragment, so they need a MAC
/// keyword. Normalised to upper-case hex without separators.
/// </summary>
internal static class MacAddressDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length is not (12 or 16) || c.PlusPrefix)
        {
            return false;
        }

        foreach (var b in v)
        {
            if (!CharFold.IsHex(b))
            {
                return false;
            }
        }

        var g = c.Groups;
        var required = ContextHints.None;
        if (c.IsSingleGroup)
        {
            required = ContextHints.Mac;
        }
        else if (c.Separator is (byte)':' or (byte)'-' or (byte)' ')
        {
            foreach (var n in g)
            {
                if (n != 2)
                {
                    return false;
                }
            }
        }
        else if (c.Separator == '.')
        {
            foreach (var n in g)
            {
                if (n != 4)
                {
                    return false;
                }
            }
        }
        else
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.MacAddress, false, required == ContextHints.None ? 0.8f : 0.6f, required, v.Length);
        return true;
    }
}
