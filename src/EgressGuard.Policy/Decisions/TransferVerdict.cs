namespace EgressGuard.Policy.Decisions;

/// <summary>What the box did with a transfer. Written to the ledger as the <c>decision</c> field.</summary>
public enum TransferVerdict
{
    /// <summary>Forwarded: domestic, or covered by a valid record.</summary>
    Allow = 0,

    /// <summary>Refused.</summary>
    Block = 1,

    /// <summary>Monitor mode: forwarded, but it would have been blocked in Enforce mode.</summary>
    Report = 2,

    /// <summary>Allowed by policy but could not be carried out (name did not resolve, origin unreachable, tunnel cap).</summary>
    Failed = 3,
}
