using System.Runtime.CompilerServices;
using System.Text;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Masked samples for reviewers: enough to recognise the kind and tell values apart, never the whole value
/// (at least one character is always starred).
/// </summary>
internal static class Masker
{
    public static string Mask(PiiKind kind, ReadOnlySpan<byte> normalized)
    {
        var n = normalized.Length;
        return kind switch
        {
            PiiKind.ResidentId => Keep(normalized, 6, 4),
            PiiKind.Mobile => Keep(normalized, 3, 4),
            PiiKind.Landline => Keep(normalized, 3, 2),
            PiiKind.BankCard or PiiKind.Iban => Keep(normalized, 4, 4),
            PiiKind.Imei => Keep(normalized, 8, 0),
            PiiKind.MacAddress => Keep(normalized, 6, 0),
            PiiKind.Email => MaskEmail(normalized),
            PiiKind.IpAddress => MaskIp(normalized),
            PiiKind.PersonName => KeepRunes(normalized, 1, 0),
            PiiKind.Address => KeepRunes(normalized, Math.Min(6, RuneCount(normalized) / 2), 0),
            PiiKind.LicensePlate => KeepRunes(normalized, 2, 1),
            _ => Keep(normalized, n > 6 ? 2 : 1, n > 6 ? 2 : 0),
        };
    }

    [SkipLocalsInit] // every character of the buffer is written before the string is made
    private static string Keep(ReadOnlySpan<byte> v, int head, int tail)
    {
        if (head + tail >= v.Length)
        {
            head = Math.Max(0, Math.Min(head, v.Length - 1) - tail);
            tail = Math.Min(tail, v.Length - head - 1);
        }

        // Built on the stack (normalised values are short) so the only allocation is the string itself.
        var chars = v.Length <= 256 ? stackalloc char[v.Length] : new char[v.Length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = i < head || i >= chars.Length - tail ? (char)v[i] : '*';
        }

        return new string(chars);
    }

    private static string MaskEmail(ReadOnlySpan<byte> v)
    {
        var at = v.IndexOf((byte)'@');
        return at <= 0 ? Keep(v, 1, 0) : (char)v[0] + "***" + Encoding.ASCII.GetString(v[at..]);
    }

    private static string MaskIp(ReadOnlySpan<byte> v)
    {
        var s = Encoding.ASCII.GetString(v);
        if (s.Contains(':', StringComparison.Ordinal))
        {
            var colon = s.IndexOf(':', StringComparison.Ordinal);
            return s[..colon] + ":*";
        }

        var parts = s.Split('.');
        return parts.Length == 4 ? parts[0] + "." + parts[1] + ".*.*" : Keep(v, 2, 0);
    }

    private static int RuneCount(ReadOnlySpan<byte> v) => Encoding.UTF8.GetCharCount(v);

    private static string KeepRunes(ReadOnlySpan<byte> v, int head, int tail)
    {
        var s = Encoding.UTF8.GetString(v);
        var count = s.Length;
        if (head + tail >= count)
        {
            head = Math.Max(Math.Min(head, count - 1), 0);
            tail = 0;
        }

        var sb = new StringBuilder(count);
        sb.Append(s.AsSpan(0, head));
        sb.Append('*', Math.Max(1, count - head - tail));
        sb.Append(s.AsSpan(count - tail));
        return sb.ToString();
    }
}
