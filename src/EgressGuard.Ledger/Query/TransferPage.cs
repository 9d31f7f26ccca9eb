namespace EgressGuard.Ledger.Query;

/// <summary>One page of query results.</summary>
public sealed record TransferPage
{
    /// <summary>The matching records, in sequence order.</summary>
    public required IReadOnlyList<LedgerRecord> Records { get; init; }

    /// <summary>Pass as <see cref="TransferQuery.AfterSequence"/> for the next page; null when this page was the last.</summary>
    public ulong? NextCursor { get; init; }
}
