using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Policy.Assessments;

/// <summary>
/// Immutable index from destinations to assessment records: hash lookups for exact hosts, each
/// parent domain of the host (for <c>*.suffix</c>), the country, and CIDR networks (one hash table
/// per prefix length present, so an address costs one masked lookup per distinct length — at most
/// 33 for IPv4 and 129 for IPv6, whatever the number of networks). Lookup is allocation-free.
/// "First record" means lowest position in the source list.
/// </summary>
public sealed class AssessmentIndex
{
    private readonly AssessmentRecord[] _records;
    private readonly Dictionary<string, int[]> _hosts;
    private readonly Dictionary<string, int[]> _suffixes;
    private readonly Dictionary<string, int[]> _countries;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _suffixLookup;
    private readonly Dictionary<uint, int[]>?[] _v4 = new Dictionary<uint, int[]>?[33];
    private readonly Dictionary<UInt128, int[]>?[] _v6 = new Dictionary<UInt128, int[]>?[129];
    private readonly int[] _v4Lengths;
    private readonly int[] _v6Lengths;

    /// <summary>Builds the index over <paramref name="records"/> (kept in order).</summary>
    public AssessmentIndex(IReadOnlyList<AssessmentRecord> records)
    {
        _records = [.. records];
        var hosts = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var suffixes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var countries = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var v4 = new Dictionary<(int Length, uint Key), List<int>>();
        var v6 = new Dictionary<(int Length, UInt128 Key), List<int>>();
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
                        AddNetwork(pattern.Network, i, v4, v6);
                        break;
                }
            }
        }

        _hosts = Freeze(hosts);
        _suffixes = Freeze(suffixes);
        _countries = Freeze(countries);
        _suffixLookup = _suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
        var v4Lengths = new SortedSet<int>();
        foreach (var ((length, key), list) in v4)
        {
            (_v4[length] ??= []).Add(key, [.. list]);
            v4Lengths.Add(length);
        }

        var v6Lengths = new SortedSet<int>();
        foreach (var ((length, key), list) in v6)
        {
            (_v6[length] ??= []).Add(key, [.. list]);
            v6Lengths.Add(length);
        }

        _v4Lengths = [.. v4Lengths];
        _v6Lengths = [.. v6Lengths];
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
    /// <param name="host">Normalised host.</param>
    /// <param name="address">The address dialled.</param>
    /// <param name="country">Its country, when known.</param>
    /// <param name="now">The decision time.</param>
    /// <param name="types">Personal-information types found (null or empty: no category check).</param>
    /// <param name="sensitive">Sensitive personal information was found.</param>
    /// <param name="sourceGroup">The client's source group name (null: in none; only <c>*</c> records apply).</param>
    public AssessmentMatch Find(string host, IPAddress address, string? country, DateTimeOffset now, IReadOnlyList<string>? types = null, bool sensitive = false, string? sourceGroup = null)
    {
        var search = new Search(_records, now, types, sensitive, sourceGroup);
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

        if (_v4Lengths.Length > 0 || _v6Lengths.Length > 0)
        {
            FindNetworks(address, ref search);
        }

        return search.Result;
    }

    private void FindNetworks(IPAddress address, ref Search search)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && written == 16 && address.IsIPv4MappedToIPv6)
        {
            bytes[12..16].CopyTo(bytes);
            written = 4;
        }

        if (written == 4)
        {
            var value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            foreach (var length in _v4Lengths)
            {
                if (_v4[length]!.TryGetValue(Mask(value, length), out var matches))
                {
                    search.Consider(matches);
                }
            }
        }
        else if (written == 16)
        {
            var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            foreach (var length in _v6Lengths)
            {
                if (_v6[length]!.TryGetValue(Mask(value, length), out var matches))
                {
                    search.Consider(matches);
                }
            }
        }
    }

    private static uint Mask(uint value, int length) => length == 0 ? 0 : value & (uint.MaxValue << (32 - length));

    private static UInt128 Mask(UInt128 value, int length) => length == 0 ? UInt128.Zero : value & (UInt128.MaxValue << (128 - length));

    private static void AddNetwork(IPNetwork network, int record, Dictionary<(int, uint), List<int>> v4, Dictionary<(int, UInt128), List<int>> v6)
    {
        Span<byte> bytes = stackalloc byte[16];
        _ = network.BaseAddress.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            var key = (network.PrefixLength, Mask(BinaryPrimitives.ReadUInt32BigEndian(bytes), network.PrefixLength));
            if (!v4.TryGetValue(key, out var list))
            {
                v4[key] = list = [];
            }

            if (list.Count == 0 || list[^1] != record)
            {
                list.Add(record);
            }
        }
        else
        {
            var key = (network.PrefixLength, Mask(BinaryPrimitives.ReadUInt128BigEndian(bytes), network.PrefixLength));
            if (!v6.TryGetValue(key, out var list))
            {
                v6[key] = list = [];
            }

            if (list.Count == 0 || list[^1] != record)
            {
                list.Add(record);
            }
        }
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

    private struct Search(AssessmentRecord[] records, DateTimeOffset now, IReadOnlyList<string>? types, bool sensitive, string? sourceGroup)
    {
        private int _missAt = int.MaxValue;
        private AssessmentValidity _miss;
        private bool _destinationCovered;

        public int Best { get; private set; } = int.MaxValue;

        public readonly AssessmentMatch Result => new(
            Best == int.MaxValue ? null : records[Best],
            Best == int.MaxValue && _missAt != int.MaxValue ? _miss : null,
            _destinationCovered || Best != int.MaxValue);

        public void Consider(int[] candidates)
        {
            foreach (var candidate in candidates)
            {
                if (candidate >= Best && _destinationCovered)
                {
                    break; // candidate lists are ascending
                }

                Consider(candidate);
            }
        }

        public void Consider(int candidate)
        {
            var record = records[candidate];
            if (!record.CoversSourceGroup(sourceGroup) || record.Status is AssessmentStatus.Draft or AssessmentStatus.Suspended)
            {
                return; // not a record for this client, or not in force: as if absent
            }

            var validity = record.Status == AssessmentStatus.Revoked ? AssessmentValidity.Revoked : record.ValidityAt(now);
            if (validity == AssessmentValidity.Valid)
            {
                _destinationCovered = true;
                if (candidate >= Best)
                {
                    return;
                }

                if (!record.PermitsAll(types))
                {
                    validity = AssessmentValidity.CategoryNotCovered;
                }
                else if (sensitive && !record.SensitiveIncluded)
                {
                    validity = AssessmentValidity.SensitiveNotCovered;
                }
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
