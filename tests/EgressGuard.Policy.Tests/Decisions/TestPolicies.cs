using System.Net;
using EgressGuard.Geo;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Tests.Decisions;

/// <summary>Snapshots for decision tests.</summary>
internal static class TestPolicies
{
    public static JurisdictionMap China()
    {
        var errors = new List<string>();
        var map = JurisdictionMap.Create(["CN"], errors);
        Assert.Empty(errors);
        return map;
    }

    public static NetworkSet Networks(params string[] cidrs)
    {
        var list = new List<IPNetwork>();
        foreach (var text in cidrs)
        {
            Assert.True(NetworkSet.TryParseNetwork(text, out var network, out var error), error);
            list.Add(network);
        }

        return new NetworkSet(list);
    }

    public static PolicySnapshot Create(EnforcementMode mode, IReadOnlyList<AssessmentRecord> records) => new()
    {
        Mode = mode,
        Jurisdictions = China(),
        AllowedClients = Networks("10.0.0.0/8", "fd00::/8"),
        AllowPrivateDestinations = Networks("192.168.50.0/24", "fd00:50::/32"),
        ConnectPorts = [443, 8443],
        Assessments = new AssessmentIndex(records),
    };
}
