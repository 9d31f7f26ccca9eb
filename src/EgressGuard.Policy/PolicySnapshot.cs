using EgressGuard.Geo;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Policy.Volume;

namespace EgressGuard.Policy;

/// <summary>
/// Everything the decision reads, validated and frozen. A new snapshot replaces the old one with a
/// single reference swap (<see cref="PolicyStore"/>); a flow reads the snapshot once and uses it from
/// start to end, so nothing on the request path locks or sees half an update.
/// </summary>
public sealed record PolicySnapshot
{
    /// <summary>Enforce or Monitor.</summary>
    public required EnforcementMode Mode { get; init; }

    /// <summary>Home jurisdictions: destinations elsewhere are outbound.</summary>
    public required JurisdictionMap Jurisdictions { get; init; }

    /// <summary>Clients allowed to use the proxy. Everyone else is refused: never an open proxy.</summary>
    public required NetworkSet AllowedClients { get; init; }

    /// <summary>Non-public destinations the admin allows anyway.</summary>
    public NetworkSet AllowPrivateDestinations { get; init; } = NetworkSet.Empty;

    /// <summary>Ports CONNECT may reach; empty allows every port.</summary>
    public IReadOnlyList<int> ConnectPorts { get; init; } = [];

    /// <summary>The assessment records in force.</summary>
    public AssessmentIndex Assessments { get; init; } = AssessmentIndex.Empty;

    /// <summary>Source groups (config <c>SourceGroups</c>); a client in none falls under <see cref="Mode"/>.</summary>
    public SourceGroupSet SourceGroups { get; init; } = SourceGroupSet.Empty;

    /// <summary>Volume thresholds (config <c>Policy:Thresholds</c>).</summary>
    public VolumeThresholds Thresholds { get; init; } = new();

    /// <summary>Increases with every published snapshot; written to logs when it changes.</summary>
    public long Generation { get; init; }

    /// <summary>Whether <paramref name="port"/> is open to CONNECT.</summary>
    public bool IsConnectPortAllowed(int port)
    {
        var ports = ConnectPorts;
        if (ports.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] == port)
            {
                return true;
            }
        }

        return false;
    }
}
