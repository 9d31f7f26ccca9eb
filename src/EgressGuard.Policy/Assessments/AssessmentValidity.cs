namespace EgressGuard.Policy.Assessments;

/// <summary>Whether a record covers a given instant (and, as a miss reason, the content found).</summary>
public enum AssessmentValidity
{
    /// <summary>Inside <c>ValidFrom</c>..<c>ValidTo</c>.</summary>
    Valid,

    /// <summary>Before 00:00 China time of <c>ValidFrom</c>.</summary>
    NotYetValid,

    /// <summary>After the end of <c>ValidTo</c>.</summary>
    Expired,

    /// <summary>Valid, but the personal-information types found are not all among its <c>Categories</c> (a miss reason only).</summary>
    CategoryNotCovered,

    /// <summary>The record was revoked (a miss reason only).</summary>
    Revoked,

    /// <summary>Valid and the types are permitted, but sensitive information was found and the record excludes it (a miss reason only).</summary>
    SensitiveNotCovered,
}
