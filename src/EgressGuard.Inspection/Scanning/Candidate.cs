namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// A run of alphanumeric groups as the scanner saw it, folded to upper-case ASCII with separators removed.
/// </summary>
internal readonly ref struct Candidate
{
    public Candidate(ReadOnlySpan<byte> value, ReadOnlySpan<byte> groups, byte separator, bool plusPrefix, byte suffix, DateOnly today)
    {
        Value = value;
        Groups = groups;
        Separator = separator;
        PlusPrefix = plusPrefix;
        Suffix = suffix;
        Today = today;
    }

    /// <summary>Characters (upper-case ASCII letters and digits) of all groups, concatenated.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Character count of each group.</summary>
    public ReadOnlySpan<byte> Groups { get; }

    /// <summary>0 for one group; the separator when every separator is the same; <see cref="MixedSeparators"/> otherwise.</summary>
    public byte Separator { get; }

    /// <summary>A '+' directly precedes the first group.</summary>
    public bool PlusPrefix { get; }

    /// <summary>A check character written as (x) or [x] right after a single group, else 0.</summary>
    public byte Suffix { get; }

    /// <summary>The scan date, for birth-date plausibility.</summary>
    public DateOnly Today { get; }

    public const byte MixedSeparators = 0xFF;

    public bool IsSingleGroup => Groups.Length == 1;

    public bool AllDigits
    {
        get
        {
            foreach (var b in Value)
            {
                if ((uint)(b - '0') > 9)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public bool GroupsAre(ReadOnlySpan<byte> pattern) => Groups.SequenceEqual(pattern);
}
