namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// The fixed 18-byte header every canonical encoding starts with, readable without decoding the
/// rest (the verifier reads sequence and time from it).
/// </summary>
/// <param name="Version">Format version (<see cref="CanonicalFormat.Version1"/>).</param>
/// <param name="Kind">What the entry records.</param>
/// <param name="Sequence">Position in the log.</param>
/// <param name="TimeMicroseconds">Entry time as microseconds since 1970-01-01T00:00:00Z.</param>
public readonly record struct LedgerEntryHeader(byte Version, LedgerEntryKind Kind, ulong Sequence, long TimeMicroseconds)
{
    /// <summary>Entry time (UTC).</summary>
    public DateTimeOffset Time => CanonicalTime.FromUnixMicroseconds(TimeMicroseconds);
}
