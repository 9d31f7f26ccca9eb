using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Volume;

/// <summary>
/// The volume thresholds of the 2024 cross-border provisions (config <c>Policy:Thresholds</c>), counted
/// as distinct individuals since 1 January China time. "X or more" includes X: reaching
/// <see cref="StandardContract"/> individuals already needs a standard contract or certification.
/// </summary>
public sealed record VolumeThresholds
{
    /// <summary>Non-sensitive individuals from which an exemption by volume ends (default 100,000).</summary>
    public long StandardContract { get; init; } = 100_000;

    /// <summary>Non-sensitive individuals from which a security assessment is needed (default 1,000,000).</summary>
    public long SecurityAssessment { get; init; } = 1_000_000;

    /// <summary>Sensitive individuals from which a security assessment is needed (default 10,000).</summary>
    public long SensitiveSecurityAssessment { get; init; } = 10_000;

    /// <summary>The first non-sensitive and sensitive counts a record's mechanism does NOT allow (long.MaxValue: no limit).</summary>
    public (long NonSensitive, long Sensitive) FirstDisallowed(AssessmentRecord record) => record.Mechanism switch
    {
        TransferMechanism.StandardContract or TransferMechanism.Certification => (SecurityAssessment, SensitiveSecurityAssessment),
        TransferMechanism.Exempt when record.ExemptBasis == ExemptBasis.BelowThreshold => (StandardContract, 1),
        _ => (long.MaxValue, long.MaxValue),
    };

    /// <summary>The mechanism the law requires for the given processor totals.</summary>
    public string RequiredMechanism(long nonSensitive, long sensitive) =>
        nonSensitive >= SecurityAssessment || sensitive >= SensitiveSecurityAssessment ? "SecurityAssessment"
        : nonSensitive >= StandardContract || sensitive >= 1 ? "StandardContract or Certification"
        : "Exempt (BelowThreshold) or any";

    /// <summary>Whether <paramref name="record"/>'s mechanism allows the given totals.</summary>
    public bool Suffices(AssessmentRecord record, long nonSensitive, long sensitive)
    {
        var (n, s) = FirstDisallowed(record);
        return nonSensitive < n && sensitive < s;
    }
}
