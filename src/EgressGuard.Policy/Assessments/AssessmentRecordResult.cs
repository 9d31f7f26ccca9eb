namespace EgressGuard.Policy.Assessments;

/// <summary>One record read from JSON, or every error found in it.</summary>
/// <param name="Record">The record; null when there are errors.</param>
/// <param name="Errors">Every problem found; empty on success.</param>
public sealed record AssessmentRecordResult(AssessmentRecord? Record, IReadOnlyList<string> Errors)
{
    /// <summary>Whether the record was read without error.</summary>
    public bool Succeeded => Errors.Count == 0 && Record is not null;
}
