using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Query;

/// <summary>Filters for reading the ledger; every filter is optional and they combine with AND. Results come in ledger (sequence) order.</summary>
public sealed record TransferQuery
{
    /// <summary>Records at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Records strictly before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this verdict.</summary>
    public TransferVerdict? Decision { get; init; }

    /// <summary>Only this destination country (ISO alpha-2, case-insensitive).</summary>
    public string? Country { get; init; }

    /// <summary>Only this client address.</summary>
    public string? Client { get; init; }

    /// <summary>Only this host (case-insensitive).</summary>
    public string? Host { get; init; }

    /// <summary>Only this reason.</summary>
    public ReasonCode? Reason { get; init; }

    /// <summary>Only records with a finding of this personal-information type (e.g. <c>cn.mobile</c>).</summary>
    public string? PiType { get; init; }

    /// <summary>Only records covered by this assessment id.</summary>
    public string? AssessmentId { get; init; }

    /// <summary>Paging cursor: only records with a sequence number above this (the <c>NextCursor</c> of the previous page).</summary>
    public ulong? AfterSequence { get; init; }

    /// <summary>At most this many records (1–1,000,000).</summary>
    public int Limit { get; init; } = 10_000;

    /// <summary>Paging: skip this many matching records first (prefer <see cref="AfterSequence"/>: it stays fast on deep pages).</summary>
    public long Offset { get; init; }
}
