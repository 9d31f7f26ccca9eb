using System.Buffers;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>address</c>, by context only: the value of an address field, or the text after an address label and a colon,
/// with at least two administrative or street markers (省 市 区 县 镇 乡 街 路 道 号 村 弄 巷 栋 幢 楼 室);
/// in an address field a Latin-script address needs a house number and a street word.
/// </summary>
internal static class AddressDetector
{
    private const string Markers = "省市区县镇乡街路道号村弄巷栋幢楼室";

    private static readonly byte[][] StreetWords = Array.ConvertAll(
        ["road", "rd", "street", "st", "avenue", "ave", "lane", "district", "drive", "blvd", "boulevard", "floor", "room", "building", "lu", "jie", "hutong"],
        static w => Encoding.ASCII.GetBytes(w));

    /// <summary>Byte length of a Chinese address at the start of <paramref name="text"/>, stopping at punctuation; 0 when not one.</summary>
    public static int HanAddressLength(ReadOnlySpan<byte> text)
    {
        var bytes = 0;
        var chars = 0;
        var markers = 0;
        var han = 0;
        while (bytes < text.Length && chars < 120)
        {
            if (Rune.DecodeFromUtf8(text[bytes..], out var rune, out var consumed) != OperationStatus.Done)
            {
                break;
            }

            var cp = rune.Value;
            if (cp is >= 0x4E00 and <= 0x9FFF)
            {
                han++;
                if (Markers.Contains((char)cp, StringComparison.Ordinal))
                {
                    markers++;
                }
            }
            else if (!(cp < 0x80 && (CharFold.IsAlnum((byte)cp) || cp is '-' or '#')) && !(cp is >= 0xFF10 and <= 0xFF19))
            {
                break;
            }

            bytes += consumed;
            chars++;
        }

        return markers >= 2 && han >= 4 && chars >= 5 ? bytes : 0;
    }

    /// <summary>Whether the whole (trimmed) field value is an address.</summary>
    public static bool TryMatchValue(ReadOnlySpan<byte> value, out int start, out int length, out float confidence)
    {
        start = 0;
        while (start < value.Length && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var han = HanAddressLength(value[start..]);
        if (han > 0)
        {
            length = han;
            confidence = 0.85f;
            return true;
        }

        length = value.Length - start;
        confidence = 0.6f;
        return IsLatinAddress(value[start..]);
    }

    private static bool IsLatinAddress(ReadOnlySpan<byte> s)
    {
        if (s.Length is < 10 or > 200 || s.IndexOfAnyInRange((byte)'0', (byte)'9') < 0)
        {
            return false;
        }

        Span<byte> word = stackalloc byte[16];
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && !CharFold.IsLetter(s[i]))
            {
                if (s[i] >= 0x80)
                {
                    return false;
                }

                i++;
            }

            var n = 0;
            while (i < s.Length && CharFold.IsLetter(s[i]))
            {
                if (n < word.Length)
                {
                    word[n] = (byte)(s[i] | 0x20);
                }

                n++;
                i++;
            }

            if (n is > 0 and <= 16)
            {
                foreach (var w in StreetWords)
                {
                    if (word[..n].SequenceEqual(w))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
