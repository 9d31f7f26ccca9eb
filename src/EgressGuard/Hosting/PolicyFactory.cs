using EgressGuard.Configuration;
using EgressGuard.Geo;
using EgressGuard.Policy;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Hosting;

/// <summary>Builds the policy snapshot from validated settings and assessment records.</summary>
public static class PolicyFactory
{
    /// <summary>Creates a snapshot (generation 0; the store advances it on publish).</summary>
    public static PolicySnapshot Create(ApplianceSettings settings, IReadOnlyList<AssessmentRecord> records)
    {
        var errors = new List<string>();
        var jurisdictions = JurisdictionMap.Create(settings.HomeJurisdictions, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Settings were not validated: " + string.Join("; ", errors));
        }

        return new PolicySnapshot
        {
            Mode = settings.Mode,
            Jurisdictions = jurisdictions,
            AllowedClients = settings.AllowedClients,
            AllowPrivateDestinations = settings.AllowPrivateDestinations,
            ConnectPorts = settings.ConnectPorts,
            Assessments = new AssessmentIndex(records),
            SourceGroups = new EgressGuard.Policy.SourceGroups.SourceGroupSet(settings.SourceGroups),
            Thresholds = settings.Thresholds,
        };
    }
}
