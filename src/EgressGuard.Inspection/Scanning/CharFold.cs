using System.Runtime.CompilerServices;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Reads UTF-8 as ASCII with fullwidth forms (U+FF01–U+FF5E) and the ideographic space folded to ASCII —
/// the part of NFKC that matters for identifiers typed with a Chinese input method.
/// </summary>
internal static class CharFold
{
    /// <summary>
    /// Reads the character at <paramref name="i"/>: returns its byte length (1 or 3), 0 at the end, or -1 when a
    /// fullwidth sequence is cut by the end of the data. <paramref name="c"/> is the folded ASCII byte, or 0 for any
    /// other non-ASCII byte.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> d, int i, out byte c)
    {
        if ((uint)i >= (uint)d.Length)
        {
            c = 0;
            return 0;
        }

        var b = d[i];
        if (b < 0x80)
        {
            c = b;
            return 1;
        }

        c = 0;
        if (b is 0xEF or 0xE3)
        {
            if (i + 2 >= d.Length)
            {
                return -1;
            }

            var b1 = d[i + 1];
            var b2 = d[i + 2];
            if (b == 0xEF)
            {
                if (b1 == 0xBC && b2 is >= 0x81 and <= 0xBF)
                {
                    c = (byte)(b2 - 0x60);
                    return 3;
                }

                if (b1 == 0xBD && b2 is >= 0x80 and <= 0x9E)
                {
                    c = (byte)(b2 - 0x20);
                    return 3;
                }
            }
            else if (b1 == 0x80 && b2 == 0x80)
            {
                c = (byte)' ';
                return 3;
            }
        }

        return 1;
    }

    /// <summary>Reads the character that ends just before <paramref name="i"/>; returns its byte length or 0 at the start.</summary>
    public static int ReadBack(ReadOnlySpan<byte> d, int i, out byte c)
    {
        if (i <= 0)
        {
            c = 0;
            return 0;
        }

        var b = d[i - 1];
        if (b < 0x80)
        {
            c = b;
            return 1;
        }

        if (i >= 3 && d[i - 3] is 0xEF or 0xE3)
        {
            return Read(d, i - 3, out c) == 3 ? 3 : Fallback(out c);
        }

        return Fallback(out c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLetter(byte c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAlnum(byte c) => IsDigit(c) || IsLetter(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsHex(byte c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 'f' - 'a';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Upper(byte c) => IsLetter(c) ? (byte)(c & 0xDF) : c;

    private static int Fallback(out byte c)
    {
        c = 0;
        return 1;
    }
}
