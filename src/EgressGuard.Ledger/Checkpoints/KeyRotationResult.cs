namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// The outcome of <see cref="SigningKeyFile.Rotate"/>. On success the key file already holds
/// <see cref="NewKey"/>; <see cref="OldKey"/> is still usable in memory so the caller can sign the
/// checkpoint covering the rotation entry with both keys, then dispose it.
/// </summary>
public sealed record KeyRotationResult
{
    /// <summary>The key that was in the file (still able to sign); null on failure.</summary>
    public CheckpointSigningKey? OldKey { get; init; }

    /// <summary>The freshly generated key now in the file; null on failure.</summary>
    public CheckpointSigningKey? NewKey { get; init; }

    /// <summary>Where the old public key was archived as PEM; null on failure.</summary>
    public string? RetiredPublicKeyPath { get; init; }

    /// <summary>Why the rotation did not happen (the old key file is then unchanged); null on success.</summary>
    public string? Error { get; init; }
}
