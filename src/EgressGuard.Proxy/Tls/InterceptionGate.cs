using EgressGuard.Policy.Decisions;

namespace EgressGuard.Proxy.Tls;

/// <summary>Which tunnel-level refusals interception may still open (the requests inside are then decided one by one).</summary>
public static class InterceptionGate
{
    /// <summary>
    /// True for reasons that depend on what is sent (no record, or one not in force): inspection of
    /// each request may still allow it. Network rules (client, port, private destination) are final.
    /// </summary>
    public static bool DecidedPerRequest(ReasonCode reason) =>
        reason is ReasonCode.NoAssessment or ReasonCode.AssessmentExpired or ReasonCode.AssessmentNotYetValid or ReasonCode.AssessmentRevoked
            or ReasonCode.CoveredByAssessment or ReasonCode.Uninspected;
}
