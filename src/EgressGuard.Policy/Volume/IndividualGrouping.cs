using System.Globalization;

namespace EgressGuard.Policy.Volume;

/// <summary>
/// Turns the personal findings of one transfer into individuals. The rule (documented in the Policy
/// README): values that are properties of the same JSON object — Location <c>…/json:$.users[3].idCard</c>
/// and <c>…/json:$.users[3].mobile</c>, parent <c>$.users[3]</c> — belong to one person, and so do the cells
/// of one CSV row (<c>…/csv[5]:身份证号</c> and <c>…/csv[5]:手机</c>, row 5). A value that is an array element
/// (<c>$.ids[4]</c>) or was found anywhere else (form, query, header, plain text) is a person of its own. Within a person, sensitive and non-sensitive
/// identifiers are counted apart (one individual in each tally that applies). Repeated fingerprints
/// merge. Over-counting is the safe side: it warns earlier, never later.
/// </summary>
public static class IndividualGrouping
{
    /// <summary>Groups <paramref name="values"/> into individuals.</summary>
    public static IReadOnlyList<Individual> Group(IReadOnlyList<PersonalValue> values)
    {
        if (values.Count == 0)
        {
            return [];
        }

        var groups = new Dictionary<(string Owner, bool Sensitive), List<UInt128>>();
        var order = new List<(string, bool)>();
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!TryKey(value.Fingerprint, out var key))
            {
                continue;
            }

            var owner = OwnerOf(value.Location) ?? "#" + i.ToString(CultureInfo.InvariantCulture);
            var slot = (owner, value.Sensitive);
            if (!groups.TryGetValue(slot, out var keys))
            {
                groups[slot] = keys = [];
                order.Add(slot);
            }

            if (!keys.Contains(key))
            {
                keys.Add(key);
            }
        }

        var people = new List<Individual>(order.Count);
        foreach (var slot in order)
        {
            people.Add(new Individual(slot.Item2, groups[slot]));
        }

        return people;
    }

    /// <summary>The JSON object owning a value at <paramref name="location"/>, or null when the value stands alone.</summary>
    public static string? OwnerOf(string location)
    {
        // A CSV cell: the row is the person ("…/csv[5]:手机" → "…/csv[5]").
        var csv = location.LastIndexOf("/csv[", StringComparison.Ordinal);
        if (csv >= 0)
        {
            var close = location.IndexOf("]:", csv, StringComparison.Ordinal);
            return close > csv + 5 ? location[..(close + 1)] : null;
        }

        var at = location.IndexOf("/json:$", StringComparison.Ordinal);
        if (at < 0 || location.EndsWith(']') || location.EndsWith('…'))
        {
            return null;
        }

        var dot = location.LastIndexOf('.');
        return dot > at ? location[..dot] : null;
    }

    /// <summary>The first 128 bits of a hex fingerprint: collisions at 2^-64 for a billion people are negligible.</summary>
    public static bool TryKey(string fingerprint, out UInt128 key)
    {
        key = default;
        return fingerprint.Length >= 16
            && UInt128.TryParse(fingerprint.AsSpan(0, Math.Min(32, fingerprint.Length)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out key);
    }
}
