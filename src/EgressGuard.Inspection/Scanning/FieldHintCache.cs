namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Keyword analysis of field names, cached. Names repeat (every record of a JSON array, every request to the same
/// API has the same keys) and the analysis is a pure function of the name, so one cache per thread is shared by all
/// scans on that thread: no lock, no per-request allocation, and a result that cannot differ from computing it afresh.
/// </summary>
internal sealed class FieldHintCache
{
    private const int Slots = 256;
    private const int NameBytes = 64;

    [ThreadStatic]
    private static FieldHintCache? _current;

    private readonly byte[] _names = new byte[Slots * NameBytes];
    private readonly int[] _lengths = new int[Slots];
    private readonly ContextHints[] _hints = new ContextHints[Slots];

    /// <summary>The hints of <paramref name="name"/> (always with <see cref="ContextHints.Computed"/> set).</summary>
    public static ContextHints For(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > NameBytes)
        {
            return ContextKeywords.FromFieldName(name) | ContextHints.Computed;
        }

        return (_current ??= new FieldHintCache()).Lookup(name);
    }

    private ContextHints Lookup(ReadOnlySpan<byte> name)
    {
        var hash = 2166136261u;
        foreach (var b in name)
        {
            hash = (hash ^ b) * 16777619u;
        }

        var slot = (int)(hash % Slots);
        if (_lengths[slot] == name.Length && _names.AsSpan(slot * NameBytes, name.Length).SequenceEqual(name))
        {
            return _hints[slot];
        }

        var hints = ContextKeywords.FromFieldName(name) | ContextHints.Computed;
        name.CopyTo(_names.AsSpan(slot * NameBytes));
        _lengths[slot] = name.Length;
        _hints[slot] = hints;
        return hints;
    }
}
