namespace EgressGuard.Ledger.Merkle;

/// <summary>Outcome of checking an inclusion or consistency proof (RFC 9162 §2.1.3.2, §2.1.4.2).</summary>
public enum ProofVerificationResult
{
    /// <summary>The proof holds.</summary>
    Valid = 0,

    /// <summary>Inclusion: the leaf index is not below the tree size.</summary>
    LeafIndexOutOfRange,

    /// <summary>Consistency: the old size is larger than the new size.</summary>
    OldSizeExceedsNewSize,

    /// <summary>The proof has more hashes than the sizes call for.</summary>
    ProofTooLong,

    /// <summary>The proof has fewer hashes than the sizes call for (including an empty one).</summary>
    ProofTooShort,

    /// <summary>Inclusion: the recomputed root differs from the given root (wrong leaf, index, size or path).</summary>
    RootMismatch,

    /// <summary>Consistency: the proof does not lead to the old root (or equal sizes with different roots, or a non-empty old root for size 0).</summary>
    OldRootMismatch,

    /// <summary>Consistency: the proof leads to the old root but not to the new one.</summary>
    NewRootMismatch,
}
