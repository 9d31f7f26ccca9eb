using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.SourceGroups;

namespace EgressGuard.Policy.Decisions;

/// <summary>The result of the decision function.</summary>
/// <param name="Verdict">Allow, Block or Report.</param>
/// <param name="Reason">Why.</param>
/// <param name="Outbound">Whether the destination is outside the home jurisdictions.</param>
/// <param name="Assessment">The record that covers the transfer (or whose volume tier it exceeds), when there is one.</param>
/// <param name="SourceGroup">The client's source group, null when it is in none.</param>
public readonly record struct TransferDecision(TransferVerdict Verdict, ReasonCode Reason, bool Outbound, AssessmentRecord? Assessment, SourceGroup? SourceGroup = null)
{
    /// <summary>Whether the transfer may proceed (Allow or Report).</summary>
    public bool Proceeds => Verdict is TransferVerdict.Allow or TransferVerdict.Report;
}
