using EgressGuard.Policy.Decisions;
using EgressGuard.Proxy.Flows;
using EgressGuard.Proxy.Inspection;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// Whether what the streamed part of a body added turns the transfer into a block (the destination-only
/// decision re-made with every finding so far). Created only for bodies longer than the hold window.
/// </summary>
internal sealed class LateFindingCheck(FlowDecider decider, FlowDecision destinationOnly, RequestInspection inspection)
{
    /// <summary>True when the upload must stop.</summary>
    public bool ShouldStop() => decider.Redecide(destinationOnly, inspection.Findings, "Stopped").Decision.Verdict == TransferVerdict.Block;
}
