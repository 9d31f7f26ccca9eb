using EgressGuard.Ledger.Checkpoints;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Reads the clock synchronisation state the way systemd does: <c>systemd-timesyncd</c> touches
/// <c>/run/systemd/timesync/synchronized</c> once the clock is synchronised. Without that file the
/// state is unknown (chrony or ntpd may still keep the clock right).
/// </summary>
public static class ClockSyncProbe
{
    /// <summary>The marker file.</summary>
    public const string MarkerPath = "/run/systemd/timesync/synchronized";

    /// <summary>The current state.</summary>
    public static ClockSyncState Read()
    {
        try
        {
            return File.Exists(MarkerPath) ? ClockSyncState.Synchronized : ClockSyncState.Unknown;
        }
        catch (IOException)
        {
            return ClockSyncState.Unknown;
        }
    }
}
