namespace EgressGuard.Ledger.Merkle;

/// <summary>Outcome of building a proof or root from stored hashes.</summary>
public enum ProofBuildStatus
{
    /// <summary>Built.</summary>
    Ok = 0,

    /// <summary>The leaf index is not below the tree size.</summary>
    LeafIndexOutOfRange,

    /// <summary>The old size is larger than the new size, or a size is 0 where a leaf is needed.</summary>
    SizeOutOfRange,

    /// <summary>The hash source lacks a leaf hash the proof needs (purged, not yet written, I/O failure).</summary>
    HashesUnavailable,
}
