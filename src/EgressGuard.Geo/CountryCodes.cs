namespace EgressGuard.Geo;

/// <summary>
/// The 676 possible two-letter codes as one interned upper-case string each, so that lookups hand
/// out shared strings instead of the fresh ones a decoder allocates, and so that sets of codes can
/// be a flat table indexed by <see cref="IndexOf"/>.
/// </summary>
internal static class CountryCodes
{
    /// <summary>Number of distinct two-letter codes (26 × 26).</summary>
    public const int Count = 26 * 26;

    private static readonly string[] Codes = CreateCodes();

    /// <summary>
    /// Index of <paramref name="code"/> in 0..<see cref="Count"/>-1 when it is exactly two ASCII
    /// letters (either case); otherwise -1.
    /// </summary>
    public static int IndexOf(ReadOnlySpan<char> code)
    {
        if (code.Length != 2)
        {
            return -1;
        }

        // OR 0x20 folds ASCII upper case to lower; anything that is not a letter lands outside 0..25.
        var first = (uint)((code[0] | 0x20) - 'a');
        var second = (uint)((code[1] | 0x20) - 'a');
        return first < 26 && second < 26 ? (int)((first * 26) + second) : -1;
    }

    /// <summary>The interned upper-case code at <paramref name="index"/> (from <see cref="IndexOf"/>).</summary>
    public static string At(int index) => Codes[index];

    /// <summary>
    /// The interned upper-case form of <paramref name="value"/>, or <see langword="null"/> when it is
    /// <see langword="null"/> or not two ASCII letters.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var index = IndexOf(value);
        return index < 0 ? null : Codes[index];
    }

    private static string[] CreateCodes()
    {
        var codes = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            codes[i] = string.Intern(new string([(char)('A' + (i / 26)), (char)('A' + (i % 26))]));
        }

        return codes;
    }
}
