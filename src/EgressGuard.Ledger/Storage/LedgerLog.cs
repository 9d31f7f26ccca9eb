using Microsoft.Extensions.Logging;

namespace EgressGuard.Ledger.Storage;

/// <summary>The ledger store's log lines (event ids 5000–5099).</summary>
internal static partial class LedgerLog
{
    [LoggerMessage(5000, LogLevel.Information, "Ledger opened at {Directory}: {Size} entries, {Checkpoints} checkpoint(s), signing key {KeyId}{Created}")]
    public static partial void Opened(ILogger logger, string directory, ulong size, long checkpoints, string keyId, string created);

    [LoggerMessage(5001, LogLevel.Critical, "LEDGER TAIL DOES NOT VERIFY, appends refused: {Reason}")]
    public static partial void TailInvalid(ILogger logger, string reason);

    [LoggerMessage(5002, LogLevel.Error, "Ledger write failed ({Records} records waiting, will retry): {Message}")]
    public static partial void WriteFailed(ILogger logger, int records, string message);

    [LoggerMessage(5003, LogLevel.Information, "Ledger writes recovered after a failure")]
    public static partial void WriteRecovered(ILogger logger);

    [LoggerMessage(5004, LogLevel.Critical, "LEDGER LOST {Records} records at shutdown: the disk kept refusing writes ({Message})")]
    public static partial void LostAtShutdown(ILogger logger, int records, string message);

    [LoggerMessage(5005, LogLevel.Information, "Ledger purged {Range}: {Records} records, sequence {First}-{Last}")]
    public static partial void Purged(ILogger logger, string range, ulong records, ulong first, ulong last);

    [LoggerMessage(5006, LogLevel.Warning, "Ledger partition {Day} is past retention but kept: {Why}")]
    public static partial void PurgeSkipped(ILogger logger, string day, string why);

    [LoggerMessage(5007, LogLevel.Error, "Ledger checkpoint could not be stored: {Message}")]
    public static partial void CheckpointFailed(ILogger logger, string message);

    [LoggerMessage(5008, LogLevel.Information, "Ledger signing key rotated: {OldKey} -> {NewKey}")]
    public static partial void KeyRotated(ILogger logger, string oldKey, string newKey);

    [LoggerMessage(5009, LogLevel.Warning, "Ledger queue full for over {Wait}: the ledger counts as unavailable until the writer catches up")]
    public static partial void QueueStalled(ILogger logger, TimeSpan wait);

    [LoggerMessage(5010, LogLevel.Information, "Ledger partition {File} closed: its filter indexes are built")]
    public static partial void PartitionIndexed(ILogger logger, string file);

    [LoggerMessage(5011, LogLevel.Warning, "Ledger partition {File}: filter indexes not built (queries on it scan; retried at the next start): {Message}")]
    public static partial void PartitionIndexFailed(ILogger logger, string file, string message);

    [LoggerMessage(5012, LogLevel.Warning, "Ledger partition {File}: background WAL checkpoint failed (the writer checkpoints itself past 256 MiB of WAL): {Message}")]
    public static partial void WalCheckpointFailed(ILogger logger, string file, string message);
}
