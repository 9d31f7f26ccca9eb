namespace EgressGuard.Policy.SourceGroups;

/// <summary>How a source group's outbound transfers are enforced.</summary>
public enum SourceGroupMode
{
    /// <summary>Refuse what no record covers.</summary>
    Enforce = 1,

    /// <summary>Forward, but mark as Report ("would block").</summary>
    Monitor,

    /// <summary>No cross-border policy for this group: forward and record (network rules still apply).</summary>
    Off,
}
