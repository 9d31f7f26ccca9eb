using EgressGuard.Ledger.Verification;

namespace EgressGuard.Ledger.Export;

/// <summary>The outcome of <see cref="ExportVerifier.Verify"/>.</summary>
public sealed record ExportVerification
{
    /// <summary>The verifier's report over the re-encoded rows; null when the export could not be read at all.</summary>
    public LedgerVerificationReport? Report { get; init; }

    /// <summary>The first problem outside the verifier (unreadable manifest, file hash mismatch, a row that does not parse); null when none.</summary>
    public string? Error { get; init; }

    /// <summary>Whether the export verified: no error and a successful report.</summary>
    public bool Succeeded => Error is null && Report is { Succeeded: true };

    /// <summary>Which keys were trusted and where they came from.</summary>
    public string TrustedKeySource { get; init; } = string.Empty;
}
