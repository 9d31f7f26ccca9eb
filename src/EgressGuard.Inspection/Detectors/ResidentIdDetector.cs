using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>cn_resident_id</c>: 18 characters with GB 11643 check character, province code and a real birth date
/// (also the HK/MO/TW residence permits 81/82/83 and the 2023 foreigner permanent-residence card, 9 + province);
/// the legacy 15-digit form only with context, normalised to 18 characters so both forms share a fingerprint.
/// </summary>
internal static class ResidentIdDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length == 18)
        {
            if (!ProvinceOk(v) || !ChinaRegions.IsBirthDate(v.Slice(6, 8), c.Today))
            {
                return false;
            }

            for (var i = 0; i < 17; i++)
            {
                if (!CharFold.IsDigit(v[i]))
                {
                    return false;
                }
            }

            if (!ResidentIdChecksum.IsValid(v))
            {
                return false;
            }

            v.CopyTo(normalized);
            match = DetectorMatch.Create(PiiKind.ResidentId, true, c.IsSingleGroup ? 0.97f : 0.93f, ContextHints.None, 18);
            return true;
        }

        if (v.Length == 15 && c.IsSingleGroup && c.AllDigits && ProvinceOk(v))
        {
            Span<byte> date = stackalloc byte[8];
            date[0] = (byte)'1';
            date[1] = (byte)'9';
            v.Slice(6, 6).CopyTo(date[2..]);
            if (!ChinaRegions.IsBirthDate(date, c.Today))
            {
                return false;
            }

            // Upgrade to the 18-character form (insert the century, add the check) so one person has one fingerprint.
            v[..6].CopyTo(normalized);
            date.CopyTo(normalized[6..]);
            v.Slice(12, 3).CopyTo(normalized[14..]);
            normalized[17] = ResidentIdChecksum.Compute(normalized);
            match = DetectorMatch.Create(PiiKind.ResidentId, false, 0.75f, ContextHints.IdCard, 18);
            return true;
        }

        return false;
    }

    /// <summary>
    /// 18 digits with a province code and a real birth date, check character aside: such a number is far more
    /// likely a mistyped ID than a card or credit code, so those detectors leave it alone.
    /// </summary>
    public static bool HasResidentIdShape(ReadOnlySpan<byte> v, DateOnly today) =>
        v.Length == 18 && ProvinceOk(v) && ChinaRegions.IsBirthDate(v.Slice(6, 8), today);

    private static bool ProvinceOk(ReadOnlySpan<byte> v)
    {
        var p = ((v[0] - '0') * 10) + (v[1] - '0');
        if (ChinaRegions.IsProvinceCode(p))
        {
            return true;
        }

        // 2023 foreigner permanent-residence ID: 9 followed by the issuing province.
        return v[0] == '9' && ChinaRegions.IsProvinceCode(((v[1] - '0') * 10) + (v[2] - '0'));
    }
}
