using Microsoft.Extensions.Logging;

namespace EgressGuard.Ledger.Sinks;

/// <summary>Source-generated log messages of the ledger sinks (event ids 2100–2199).</summary>
internal static partial class SinkLog
{
    [LoggerMessage(2100, LogLevel.Information, "Ledger sink {Sink} started at sequence {Sequence}, checkpoint {Checkpoint} (destination {Destination})")]
    public static partial void Started(ILogger logger, string sink, ulong sequence, long checkpoint, string destination);

    [LoggerMessage(2101, LogLevel.Information, "Ledger sink {Sink} connected to {Destination}; shipping from sequence {Sequence}, checkpoint {Checkpoint}")]
    public static partial void Connected(ILogger logger, string sink, string destination, ulong sequence, long checkpoint);

    [LoggerMessage(2102, LogLevel.Warning, "Ledger sink {Sink} failed ({Failures} in a row), retrying in {Delay}: {Error}")]
    public static partial void Failed(ILogger logger, string sink, int failures, TimeSpan delay, string error);

    [LoggerMessage(2103, LogLevel.Error, "Ledger sink {Sink}: {Backlog} entries wait undelivered (alert threshold {Threshold}); nothing is dropped, the ledger keeps them")]
    public static partial void BacklogAlert(ILogger logger, string sink, ulong backlog, long threshold);

    [LoggerMessage(2104, LogLevel.Information, "Ledger sink {Sink}: backlog back under {Threshold} ({Backlog} entries)")]
    public static partial void BacklogCleared(ILogger logger, string sink, ulong backlog, long threshold);

    [LoggerMessage(2105, LogLevel.Error, "Ledger sink {Sink}: {Error}")]
    public static partial void CursorProblem(ILogger logger, string sink, string error);

    [LoggerMessage(2106, LogLevel.Warning, "Ledger sink {Sink}: the local cursor (sequence {LocalSequence}, checkpoint {LocalCheckpoint}) differs from the destination's (sequence {RemoteSequence}, checkpoint {RemoteCheckpoint}); the destination's is used")]
    public static partial void CursorDiffers(ILogger logger, string sink, ulong localSequence, long localCheckpoint, ulong remoteSequence, long remoteCheckpoint);

    [LoggerMessage(2107, LogLevel.Information, "Ledger sink {Sink} stopped at sequence {Sequence}, checkpoint {Checkpoint}")]
    public static partial void Stopped(ILogger logger, string sink, ulong sequence, long checkpoint);
}
