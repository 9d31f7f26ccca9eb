namespace EgressGuard.Ledger.Proofs;

/// <summary>Why a proof could not be built from the store.</summary>
public enum ProofError
{
    /// <summary>Built.</summary>
    None = 0,

    /// <summary>No entry with that sequence number or transfer id is stored.</summary>
    NotFound,

    /// <summary>The entry was purged by retention (before the log start).</summary>
    Purged,

    /// <summary>No signed checkpoint covers the entry yet (checkpoints are signed at least every minute).</summary>
    NotYetCovered,

    /// <summary>The requested checkpoint does not exist, or the pair is out of order.</summary>
    NoSuchCheckpoint,

    /// <summary>A hash the proof needs is not stored (damaged or missing partition).</summary>
    HashesUnavailable,

    /// <summary>The stored hashes do not lead to the signed root: the store was changed (run <c>ledger verify</c>).</summary>
    StoreInconsistent,
}
