namespace EgressGuard.Policy.Assessments;

/// <summary>The records read from a file, or every error found in it.</summary>
public sealed record AssessmentLoadResult
{
    private AssessmentLoadResult(IReadOnlyList<AssessmentRecord> records, IReadOnlyList<string> errors)
    {
        Records = records;
        Errors = errors;
    }

    /// <summary>The records, in file order (empty when there are errors).</summary>
    public IReadOnlyList<AssessmentRecord> Records { get; }

    /// <summary>Every problem found; empty on success.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Whether the file was read without error.</summary>
    public bool Succeeded => Errors.Count == 0;

    internal static AssessmentLoadResult Loaded(IReadOnlyList<AssessmentRecord> records) => new(records, []);

    internal static AssessmentLoadResult Failed(params string[] errors) => new([], errors);
}
