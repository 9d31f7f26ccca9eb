namespace EgressGuard.Ledger.Verification;

/// <summary>
/// Offline verification of a ledger (live store or export): recomputes every leaf and the Merkle
/// root, checks every checkpoint's signature and root, the checkpoints against each other, and that
/// sequence numbers run without gaps. Streaming: one pass over records and checkpoints, memory
/// O(log n) (the tree frontier) plus the current checkpoint. Never throws for bad data; the report
/// names the first bad record or checkpoint.
/// </summary>
public static class LedgerVerifier
{
    /// <summary>
    /// Verifies <paramref name="records"/> (in sequence order, starting at
    /// <see cref="LedgerVerificationOptions.StartSize"/>) against <paramref name="checkpoints"/>
    /// (in order of tree size, as signed).
    /// </summary>
    public static LedgerVerificationReport Verify(
        IEnumerable<EncodedLedgerEntry> records, IEnumerable<CheckpointEvidence> checkpoints, LedgerVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(options);
        return new VerificationRun(options).Run(records, checkpoints);
    }
}
