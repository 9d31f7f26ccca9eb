namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// Whether the appliance clock was synchronised when a checkpoint was signed: it tells an auditor how
/// far to trust the <c>time</c> line (and the record times it brackets). Written as the
/// <c>clock</c> extension line.
/// </summary>
public enum ClockSyncState
{
    /// <summary>The appliance could not tell (no time-sync daemon to ask). Written <c>clock unknown</c>.</summary>
    Unknown = 0,

    /// <summary>The clock was synchronised to a time source. Written <c>clock synchronized</c>.</summary>
    Synchronized = 1,

    /// <summary>The clock was free-running or had lost its source. Written <c>clock unsynchronized</c>.</summary>
    Unsynchronized = 2,
}
