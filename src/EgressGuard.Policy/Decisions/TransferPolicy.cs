using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Networks;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Policy.Volume;

namespace EgressGuard.Policy.Decisions;

/// <summary>
/// The decision: a pure function of the snapshot, the facts of the flow, the volume facts and the
/// time. It allocates nothing, takes no lock and does no I/O (the volume counter calls it under its
/// own lock and counts afterwards), so content inspection and richer policy extend it without
/// touching the listeners.
/// </summary>
public static class TransferPolicy
{
    /// <summary>Decides one transfer with no volume facts (nobody new).</summary>
    public static TransferDecision Decide(PolicySnapshot policy, in TransferContext flow, DateTimeOffset now) => Decide(policy, flow, now, default);

    /// <summary>
    /// Decides one transfer. Order: client allowed → destination address class → CONNECT port →
    /// source group → jurisdiction → MLPS default-deny (level ≥ 3, no record for the destination) →
    /// uninspected tunnel handling → content (inspected and nothing personal: allowed) → assessment
    /// records (source group, status, validity, categories, sensitive) → volume tier → mode. The first
    /// three refuse in every mode: they protect the network, not the law, and Monitor mode must not
    /// open the proxy. Everything after is refused in Enforce, reported in Monitor, allowed in Off.
    /// </summary>
    public static TransferDecision Decide(PolicySnapshot policy, in TransferContext flow, DateTimeOffset now, in VolumeFacts volume)
    {
        if (!policy.AllowedClients.Contains(flow.Client))
        {
            return new(TransferVerdict.Block, ReasonCode.ClientNotAllowed, false, null);
        }

        var outbound = policy.Jurisdictions.IsOutbound(flow.Country);
        if (AddressClassifier.Classify(flow.Destination) != AddressClass.Public
            && !policy.AllowPrivateDestinations.Contains(flow.Destination))
        {
            return new(TransferVerdict.Block, ReasonCode.PrivateDestination, outbound, null);
        }

        if (flow.IsTunnel && !policy.IsConnectPortAllowed(flow.Port))
        {
            return new(TransferVerdict.Block, ReasonCode.PortNotAllowed, outbound, null);
        }

        var group = policy.SourceGroups.Find(flow.Client);
        if (!outbound)
        {
            return new(TransferVerdict.Allow, ReasonCode.Domestic, false, null, group);
        }

        var content = flow.Content;
        var match = policy.Assessments.Find(flow.Host, flow.Destination, flow.Country, now, content.PersonalTypes, content.Sensitive, group?.Name);
        if (group is { MlpsLevel: >= 3 } && !match.DestinationCovered)
        {
            return Refuse(policy, group, ReasonCode.MlpsDefaultDeny, null);
        }

        if (!content.Inspected && flow.IsTunnel && group is not null)
        {
            switch (group.Uninspected)
            {
                case UninspectedHandling.Block:
                    return Refuse(policy, group, ReasonCode.Uninspected, null);
                case UninspectedHandling.Allow when match.Covering is null:
                    return new(TransferVerdict.Allow, ReasonCode.Uninspected, true, null, group);
            }
        }

        if (content.Inspected && !content.HasPersonalInformation)
        {
            return new(TransferVerdict.Allow, ReasonCode.NoPersonalInformation, true, null, group);
        }

        if (match.Covering is { } record)
        {
            if (volume.NewNonSensitive > 0 || volume.NewSensitive > 0)
            {
                var (nonSensitiveLimit, sensitiveLimit) = policy.Thresholds.FirstDisallowed(record);
                if ((volume.NewNonSensitive > 0 && volume.NonSensitive + volume.NewNonSensitive >= nonSensitiveLimit)
                    || (volume.NewSensitive > 0 && volume.Sensitive + volume.NewSensitive >= sensitiveLimit))
                {
                    return Refuse(policy, group, ReasonCode.VolumeTierExceeded, record);
                }
            }

            return new(TransferVerdict.Allow, ReasonCode.CoveredByAssessment, true, record, group);
        }

        var reason = match.Miss switch
        {
            AssessmentValidity.Expired => ReasonCode.AssessmentExpired,
            AssessmentValidity.NotYetValid => ReasonCode.AssessmentNotYetValid,
            AssessmentValidity.CategoryNotCovered => ReasonCode.CategoryNotCovered,
            AssessmentValidity.Revoked => ReasonCode.AssessmentRevoked,
            AssessmentValidity.SensitiveNotCovered => ReasonCode.SensitiveNotCovered,
            _ => ReasonCode.NoAssessment,
        };
        return Refuse(policy, group, reason, null);
    }

    private static TransferDecision Refuse(PolicySnapshot policy, SourceGroup? group, ReasonCode reason, AssessmentRecord? record)
    {
        var verdict = group?.Mode switch
        {
            SourceGroupMode.Enforce => TransferVerdict.Block,
            SourceGroupMode.Monitor => TransferVerdict.Report,
            SourceGroupMode.Off => TransferVerdict.Allow,
            _ => policy.Mode == EnforcementMode.Enforce ? TransferVerdict.Block : TransferVerdict.Report,
        };
        return new(verdict, reason, true, record, group);
    }
}
