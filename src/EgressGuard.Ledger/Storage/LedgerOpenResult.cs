namespace EgressGuard.Ledger.Storage;

/// <summary>The outcome of <see cref="MerkleTransferLedger.Open"/>: the store, or why it cannot be used.</summary>
public sealed record LedgerOpenResult
{
    /// <summary>The open store; null on error.</summary>
    public MerkleTransferLedger? Ledger { get; init; }

    /// <summary>Why the store could not be opened; null on success.</summary>
    public string? Error { get; init; }
}
