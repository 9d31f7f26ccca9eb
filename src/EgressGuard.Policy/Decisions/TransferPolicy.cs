using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Decisions;

/// <summary>
/// The decision: a pure function of the snapshot, the facts of the flow and the time. It allocates
/// nothing, takes no lock and does no I/O, so content inspection and richer policy extend it
/// without touching the listeners.
/// </summary>
public static class TransferPolicy
{
    /// <summary>
    /// Decides one transfer. Order: client allowed → destination address class → CONNECT port →
    /// jurisdiction → content (inspected and nothing personal: allowed) → assessment records
    /// (destination, validity, categories found) → mode. The first three refuse in every mode: they protect
    /// the network, not the law, and Monitor mode must not open the proxy.
    /// </summary>
    public static TransferDecision Decide(PolicySnapshot policy, in TransferContext flow, DateTimeOffset now)
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

        if (!outbound)
        {
            return new(TransferVerdict.Allow, ReasonCode.Domestic, false, null);
        }

        if (flow.Content.Inspected && !flow.Content.HasPersonalInformation)
        {
            return new(TransferVerdict.Allow, ReasonCode.NoPersonalInformation, true, null);
        }

        var match = policy.Assessments.Find(flow.Host, flow.Destination, flow.Country, now, flow.Content.PersonalTypes);
        if (match.Covering is { } record)
        {
            return new(TransferVerdict.Allow, ReasonCode.CoveredByAssessment, true, record);
        }

        var reason = match.Miss switch
        {
            AssessmentValidity.Expired => ReasonCode.AssessmentExpired,
            AssessmentValidity.NotYetValid => ReasonCode.AssessmentNotYetValid,
            AssessmentValidity.CategoryNotCovered => ReasonCode.CategoryNotCovered,
            _ => ReasonCode.NoAssessment,
        };
        var verdict = policy.Mode == EnforcementMode.Enforce ? TransferVerdict.Block : TransferVerdict.Report;
        return new(verdict, reason, true, null);
    }
}
