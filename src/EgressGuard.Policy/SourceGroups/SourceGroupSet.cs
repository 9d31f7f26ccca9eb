using System.Net;

namespace EgressGuard.Policy.SourceGroups;

/// <summary>The configured source groups in config order; a client belongs to the first group whose networks contain it.</summary>
public sealed class SourceGroupSet
{
    private readonly SourceGroup[] _groups;

    /// <summary>Creates the set.</summary>
    public SourceGroupSet(IReadOnlyList<SourceGroup> groups)
    {
        _groups = [.. groups];
    }

    /// <summary>No groups: every client falls under the top-level mode.</summary>
    public static SourceGroupSet Empty { get; } = new([]);

    /// <summary>The groups, in config order.</summary>
    public IReadOnlyList<SourceGroup> Groups => _groups;

    /// <summary>The group of <paramref name="client"/>, or null when it is in none. Allocation-free.</summary>
    public SourceGroup? Find(IPAddress client)
    {
        foreach (var group in _groups)
        {
            if (group.Networks.Contains(client))
            {
                return group;
            }
        }

        return null;
    }

    /// <summary>The group named <paramref name="name"/>, or null.</summary>
    public SourceGroup? Named(string name) => Array.Find(_groups, g => string.Equals(g.Name, name, StringComparison.Ordinal));
}
