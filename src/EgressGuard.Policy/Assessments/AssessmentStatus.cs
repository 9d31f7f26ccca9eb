namespace EgressGuard.Policy.Assessments;

/// <summary>The life-cycle state of an assessment record. Only <see cref="Active"/> records cover transfers.</summary>
public enum AssessmentStatus
{
    /// <summary>Being prepared; covers nothing.</summary>
    Draft = 1,

    /// <summary>In force (within its validity window).</summary>
    Active,

    /// <summary>Paused by the admin (for example while a change is re-filed); covers nothing.</summary>
    Suspended,

    /// <summary>Withdrawn for good; covers nothing from the moment it is stored.</summary>
    Revoked,

    /// <summary>Computed, never stored: an <see cref="Active"/> record past the end of its <c>ValidTo</c> day (China time).</summary>
    Expired,
}
