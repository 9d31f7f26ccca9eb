using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Decisions;

/// <summary>The result of the decision function.</summary>
/// <param name="Verdict">Allow, Block or Report.</param>
/// <param name="Reason">Why.</param>
/// <param name="Outbound">Whether the destination is outside the home jurisdictions.</param>
/// <param name="Assessment">The record that covers the transfer, when there is one.</param>
public readonly record struct TransferDecision(TransferVerdict Verdict, ReasonCode Reason, bool Outbound, AssessmentRecord? Assessment)
{
    /// <summary>Whether the transfer may proceed (Allow or Report).</summary>
    public bool Proceeds => Verdict is TransferVerdict.Allow or TransferVerdict.Report;
}
