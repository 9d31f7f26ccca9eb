using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Query;

/// <summary>Filters for reading the ledger; every filter is optional and they combine with AND.</summary>
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

    /// <summary>Only this host.</summary>
    public string? Host { get; init; }

    /// <summary>Only this reason.</summary>
    public ReasonCode? Reason { get; init; }

    /// <summary>At most this many records (1–1,000,000).</summary>
    public int Limit { get; init; } = 10_000;

    /// <summary>Paging: skip this many matching records first.</summary>
    public long Offset { get; init; }
}
