using EgressGuard.Policy.Networks;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// Host names (exact) and <c>*.suffix</c> patterns (sub-domains, not the apex — the same rule as
/// assessment destinations). Immutable; lookups allocate nothing.
/// </summary>
public sealed class HostPatternList
{
    private readonly HashSet<string> _exact;
    private readonly string[] _suffixes;

    private HostPatternList(HashSet<string> exact, string[] suffixes)
    {
        _exact = exact;
        _suffixes = suffixes;
    }

    /// <summary>No patterns.</summary>
    public static HostPatternList Empty { get; } = new([], []);

    /// <summary>How many patterns.</summary>
    public int Count => _exact.Count + _suffixes.Length;

    /// <summary>Parses patterns, adding one error per bad entry (prefixed with <paramref name="key"/>).</summary>
    public static HostPatternList Parse(IReadOnlyList<string> patterns, string key, List<string> errors)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var suffixes = new List<string>();
        for (var i = 0; i < patterns.Count; i++)
        {
            var text = patterns[i].Trim();
            var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
            var name = HostName.Normalize(wildcard ? text[2..] : text);
            if (name.Length == 0 || !HostName.IsValid(name) || name.Contains('*', StringComparison.Ordinal))
            {
                errors.Add($"{key}:{i}: '{patterns[i]}' is not a host name or *.suffix");
                continue;
            }

            if (wildcard)
            {
                suffixes.Add("." + name);
            }
            else
            {
                exact.Add(name);
            }
        }

        return new HostPatternList(exact, [.. suffixes]);
    }

    /// <summary>Whether <paramref name="host"/> (normalised) matches a pattern.</summary>
    public bool Matches(string host)
    {
        if (_exact.Contains(host))
        {
            return true;
        }

        foreach (var suffix in _suffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
