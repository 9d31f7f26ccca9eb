namespace EgressGuard.Ledger.Storage;

/// <summary><c>Ledger:Sync</c>: how hard each committed batch is pushed to disk.</summary>
public enum LedgerSync
{
    /// <summary>
    /// WAL with <c>synchronous=NORMAL</c>: a committed batch survives a process crash (kill -9); on
    /// power loss or a kernel crash the batches committed since the last WAL checkpoint may be lost.
    /// </summary>
    Batch,

    /// <summary>WAL with <c>synchronous=FULL</c>: every batch commit is fsynced; survives power loss too.</summary>
    Full,
}
