namespace EgressGuard.Ledger.Storage;

/// <summary>
/// A part of one partition for <see cref="PartitionScan"/>: its rows with sequence number in
/// [<paramref name="From"/>, <paramref name="ToExclusive"/>), or from <paramref name="From"/> on when
/// <paramref name="ToExclusive"/> is null.
/// </summary>
/// <param name="Day">The partition.</param>
/// <param name="From">The first sequence number (the <c>seq</c> key) included.</param>
/// <param name="ToExclusive">The first sequence number no longer included; null: no upper bound.</param>
internal readonly record struct ScanChunk(DateOnly Day, long From, long? ToExclusive);
