using System.Net;

namespace EgressGuard.Policy.Assessments;

/// <summary>
/// Immutable index from destinations to assessment records: hash lookups for exact hosts, each
/// parent domain of the host (for <c>*.suffix</c>) and the country; a scan only over CIDR patterns.
/// Lookup is allocation-free. "First record" means lowest position in the source list.
/// </summary>
public sealed class AssessmentIndex
{
    private readonly AssessmentRecord[] _records;
    private readonly Dictionary<string, int[]> _hosts;
    private readonly Dictionary<string, int[]> _suffixes;
    private readonly Dictionary<string, int[]> _countries;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _suffixLookup;
    private readonly (IPNetwork Network, int Record)[] _networks;

    /// <summary>Builds the index over <paramref name="records"/> (kept in order).</summary>
    public AssessmentIndex(IReadOnlyList<AssessmentRecord> records)
    {
        _records = [.. records];
        var hosts = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var suffixes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var countries = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var networks = new List<(IPNetwork, int)>();
        for (var i = 0; i < _records.Length; i++)
        {
            foreach (var pattern in _records[i].Destinations)
            {
                switch (pattern.Kind)
                {
                    case DestinationPatternKind.Host:
                        Add(hosts, pattern.Value, i);
                        break;
                    case DestinationPatternKind.Suffix:
                        Add(suffixes, pattern.Value, i);
                        break;
                    case DestinationPatternKind.Country:
                        Add(countries, pattern.Value, i);
                        break;
                    case DestinationPatternKind.Network:
                        networks.Add((pattern.Network, i));
                        break;
                }
            }
        }

        _hosts = Freeze(hosts);
        _suffixes = Freeze(suffixes);
        _countries = Freeze(countries);
        _suffixLookup = _suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _networks = [.. networks];
    }

    /// <summary>An index with no records.</summary>
    public static AssessmentIndex Empty { get; } = new([]);

    /// <summary>The records, in order.</summary>
    public IReadOnlyList<AssessmentRecord> Records => _records;

    /// <summary>
    /// Finds the first record that covers a transfer to <paramref name="host"/> (normalised, see
    /// <see cref="Networks.HostName.Normalize"/>) at <paramref name="address"/> in
    /// <paramref name="country"/> at <paramref name="now"/>, carrying the personal-information
    /// <paramref name="types"/> found (null or empty: no category check).
    /// </summary>
    public AssessmentMatch Find(string host, IPAddress address, string? country, DateTimeOffset now, IReadOnlyList<string>? types = null)
    {
        var search = new Search(_records, now, types);
        if (_hosts.TryGetValue(host, out var exact))
        {
            search.Consider(exact);
        }

        if (_suffixes.Count > 0)
        {
            // Walk parents: a.b.example.com → b.example.com → example.com → com.
            var span = host.AsSpan();
            for (var dot = span.IndexOf('.'); dot >= 0; dot = span.IndexOf('.'))
            {
                span = span[(dot + 1)..];
                if (_suffixLookup.TryGetValue(span, out var matches))
                {
                    search.Consider(matches);
                }
            }
        }

        if (country is not null && _countries.TryGetValue(country, out var byCountry))
        {
            search.Consider(byCountry);
        }

        if (_networks.Length > 0)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            foreach (var (network, record) in _networks)
            {
                if (record < search.Best && network.Contains(address))
                {
                    search.Consider(record);
                }
            }
        }

        return search.Result;
    }

    private static void Add(Dictionary<string, List<int>> map, string key, int record)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        if (list.Count == 0 || list[^1] != record)
        {
            list.Add(record);
        }
    }

    private static Dictionary<string, int[]> Freeze(Dictionary<string, List<int>> map)
    {
        var frozen = new Dictionary<string, int[]>(map.Count, StringComparer.Ordinal);
        foreach (var (key, list) in map)
        {
            frozen[key] = [.. list];
        }

        return frozen;
    }

    private struct Search(AssessmentRecord[] records, DateTimeOffset now, IReadOnlyList<string>? types)
    {
        private int _missAt = int.MaxValue;
        private AssessmentValidity _miss;

        public int Best { get; private set; } = int.MaxValue;

        public readonly AssessmentMatch Result => new(
            Best == int.MaxValue ? null : records[Best],
            Best == int.MaxValue && _missAt != int.MaxValue ? _miss : null);

        public void Consider(int[] candidates)
        {
            foreach (var candidate in candidates)
            {
                if (candidate >= Best)
                {
                    break; // candidate lists are ascending
                }

                Consider(candidate);
            }
        }

        public void Consider(int candidate)
        {
            var validity = records[candidate].ValidityAt(now);
            if (validity == AssessmentValidity.Valid && !records[candidate].PermitsAll(types))
            {
                validity = AssessmentValidity.CategoryNotCovered;
            }

            if (validity == AssessmentValidity.Valid)
            {
                Best = candidate;
            }
            else if (candidate < _missAt)
            {
                _missAt = candidate;
                _miss = validity;
            }
        }
    }
}
