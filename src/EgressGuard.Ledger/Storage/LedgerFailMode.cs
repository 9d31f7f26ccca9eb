namespace EgressGuard.Ledger.Storage;

/// <summary><c>Ledger:FailMode</c>: what the proxy does while the ledger cannot record.</summary>
public enum LedgerFailMode
{
    /// <summary>Refuse new outbound transfers with reason <c>LedgerUnavailable</c> (the default: nothing leaves unrecorded).</summary>
    Closed,

    /// <summary>Allow transfers; every record that cannot be written is logged as an error and counted.</summary>
    Open,
}
