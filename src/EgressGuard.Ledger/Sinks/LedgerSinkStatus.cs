namespace EgressGuard.Ledger.Sinks;

/// <summary>A snapshot of one sink's progress, for the CLI, health checks and tests.</summary>
public readonly record struct LedgerSinkStatus
{
    /// <summary>Whether the sink is connected to its destination.</summary>
    public bool Connected { get; init; }

    /// <summary>What has been delivered: everything before these positions.</summary>
    public SinkCursor Cursor { get; init; }

    /// <summary>Entries written to the ledger but not yet delivered (as far as the sink has looked ahead).</summary>
    public ulong BacklogEntries { get; init; }

    /// <summary>Entries delivered since this process started.</summary>
    public long ShippedEntries { get; init; }

    /// <summary>Checkpoints delivered since this process started.</summary>
    public long ShippedCheckpoints { get; init; }

    /// <summary>Failed connects or deliveries since this process started.</summary>
    public long Failures { get; init; }

    /// <summary>The last failure's message, or null when the last attempt succeeded.</summary>
    public string? LastError { get; init; }
}
