namespace EgressGuard.Ledger.Checkpoints;

/// <summary>The outcome of <see cref="SigningKeyFile.LoadOrCreate"/>.</summary>
public sealed record SigningKeyLoadResult
{
    /// <summary>The key; null when <see cref="Error"/> is set.</summary>
    public CheckpointSigningKey? Key { get; init; }

    /// <summary>Whether the key was generated and written by this call (first start).</summary>
    public bool Created { get; init; }

    /// <summary>Why no key could be used (unreadable file, wrong permissions, not a P-256 key); null on success.</summary>
    public string? Error { get; init; }
}
