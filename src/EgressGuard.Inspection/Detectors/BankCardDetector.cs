using EgressGuard.Inspection.Scanning;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>bank_card</c>: 13–19 digits passing Luhn, with an issuer prefix and a length that issuer uses
/// (UnionPay 62/81, Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, JCB 3528–3589, Discover,
/// Diners, Maestro, Mir, UATP). An 18-digit number shaped like a resident ID (province, birth date) is not taken
/// as a card: a mistyped ID is the likelier reading.
/// </summary>
internal static class BankCardDetector
{
    public static bool TryMatch(in Candidate c, Span<byte> normalized, out DetectorMatch match)
    {
        match = default;
        var v = c.Value;
        if (v.Length is < 13 or > 19 || c.PlusPrefix || !c.AllDigits || !IssuerAllows(v) || !Luhn.IsValid(v)
            || ResidentIdDetector.HasResidentIdShape(v, c.Today))
        {
            return false;
        }

        v.CopyTo(normalized);
        match = DetectorMatch.Create(PiiKind.BankCard, true, 0.9f, ContextHints.None, v.Length);
        return true;
    }

    internal static bool IssuerAllows(ReadOnlySpan<byte> v)
    {
        var len = v.Length;
        var p2 = ((v[0] - '0') * 10) + (v[1] - '0');
        var p3 = (p2 * 10) + (v[2] - '0');
        var p4 = (p3 * 10) + (v[3] - '0');
        return v[0] switch
        {
            (byte)'4' => len is 13 or 16 or 19,
            (byte)'5' => p2 is >= 51 and <= 55 ? len == 16 : p2 is 50 or >= 56 && len >= 12,
            (byte)'2' => (p4 is >= 2221 and <= 2720 && len == 16) || (p4 is >= 2200 and <= 2204 && len >= 16),
            (byte)'3' => p2 is 34 or 37 ? len == 15
                : p4 is >= 3528 and <= 3589 ? len >= 16
                : p2 is 36 ? len >= 14
                : (p3 is >= 300 and <= 305 || p4 == 3095 || p2 is 38 or 39) && len >= 14,
            (byte)'6' => p2 is 62 or 65 || p4 == 6011 || p3 is >= 644 and <= 649 ? len >= 16
                : p4 is 6304 or 6759 or 6761 or 6762 or 6763 ? len >= 12
                : p2 == 67 && len == 16,
            (byte)'8' => p4 is >= 8100 and <= 8171 && len >= 16,
            (byte)'1' => len == 15,
            _ => false,
        };
    }
}
