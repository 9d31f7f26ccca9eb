namespace EgressGuard.Ledger.Sinks;

/// <summary>What a sink has shipped: everything before these positions has been delivered.</summary>
/// <param name="NextSequence">The first entry sequence not yet shipped.</param>
/// <param name="NextCheckpoint">The first checkpoint number not yet shipped.</param>
public readonly record struct SinkCursor(ulong NextSequence, long NextCheckpoint);
