namespace EgressGuard.Policy.Decisions;

/// <summary>What happens to an outbound transfer no record covers.</summary>
public enum EnforcementMode
{
    /// <summary>Allow it and record it as <see cref="TransferVerdict.Report"/> ("would block"). The default, for rollout.</summary>
    Monitor = 0,

    /// <summary>Refuse it.</summary>
    Enforce = 1,
}
