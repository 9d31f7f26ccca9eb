using EgressGuard.Ledger.Checkpoints;

namespace EgressGuard.Ledger.Storage;

/// <summary>How the ledger store runs (validated config: <c>Ledger:*</c> keys, see <c>config/README.md</c>).</summary>
public sealed record LedgerOptions
{
    /// <summary>The least retention accepted: six months (183 days).</summary>
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromDays(183);

    /// <summary>The appliance's <c>DataDirectory</c>; the ledger lives in its <c>ledger/</c> folder.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The checkpoint origin line and key name (appliance identity; no spaces, no '+').</summary>
    public string Origin { get; init; } = "egressguard.local/appliance";

    /// <summary><c>Ledger:Sync</c>: default <see cref="LedgerSync.Batch"/>.</summary>
    public LedgerSync Sync { get; init; } = LedgerSync.Batch;

    /// <summary><c>Ledger:CheckpointInterval</c>: sign at least this often while the tree grows (default 1 minute).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary><c>Ledger:Retention</c>: whole UTC days older than this are purged (default 730 days; at least 183).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(730);

    /// <summary><c>Ledger:FailMode</c>: default <see cref="LedgerFailMode.Closed"/>.</summary>
    public LedgerFailMode FailMode { get; init; } = LedgerFailMode.Closed;

    /// <summary><c>Ledger:QueueCapacity</c>: records waiting for the writer before appenders wait (default 65,536).</summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary><c>Ledger:MaxQueueWait</c>: the queue may stay full this long before the ledger counts as unavailable (default 2 s).</summary>
    public TimeSpan MaxQueueWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most records per transaction.</summary>
    public int MaxBatch { get; init; } = 8_192;

    /// <summary>The clock (a fake one in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Reports whether the system clock is synchronised; recorded in every checkpoint.</summary>
    public Func<ClockSyncState> ClockSync { get; init; } = ClockSyncProbe.Read;

    /// <summary>Whether a writer loop runs (false opens the store only to read, rotate the key or verify).</summary>
    internal bool StartWriter { get; init; } = true;

    /// <summary>Errors in these options, all of them (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Retention < MinimumRetention)
        {
            errors.Add($"Ledger:Retention: {Retention.TotalDays:0.#} days is under the minimum of 6 months ({MinimumRetention.TotalDays:0} days)");
        }

        if (CheckpointInterval < TimeSpan.FromSeconds(1) || CheckpointInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("Ledger:CheckpointInterval: must be from 1s to 1m (checkpoints are signed at least every minute)");
        }

        if (QueueCapacity is < 1_024 or > 4_194_304)
        {
            errors.Add("Ledger:QueueCapacity: must be from 1024 to 4194304");
        }

        if (MaxQueueWait < TimeSpan.FromMilliseconds(10) || MaxQueueWait > TimeSpan.FromMinutes(5))
        {
            errors.Add("Ledger:MaxQueueWait: must be from 10ms to 5m");
        }

        if (string.IsNullOrEmpty(Origin) || Origin.Contains(' ', StringComparison.Ordinal) || Origin.Contains('+', StringComparison.Ordinal))
        {
            errors.Add($"Ledger:Origin: '{Origin}' must be non-empty, without spaces or '+'");
        }

        return errors;
    }
}
