namespace EgressGuard.Ledger.Sinks;

/// <summary>How a sink paces delivery and retries; the same keys for every sink.</summary>
public sealed record SinkShippingOptions
{
    /// <summary><c>BatchSize</c>: entries per delivery (one transaction, one flush). Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary><c>PollInterval</c>: how often an idle sink looks for new entries. Default 1s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>RetryMin</c>: the first delay after a failure; doubled per consecutive failure. Default 1s.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>RetryMax</c>: the cap on the retry delay. Default 1m.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary><c>BacklogAlert</c>: an error is logged when this many entries wait undelivered (and again when back under it). Default 100000.</summary>
    public long BacklogAlert { get; init; } = 100_000;
}
