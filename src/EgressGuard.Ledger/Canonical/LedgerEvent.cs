namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// A ledger entry that is not a transfer: a purge, a key rotation, an assessment change or a legal
/// hold. It is hashed into the same Merkle tree as transfers, in sequence, so removing or editing it
/// is as detectable as for a transfer. The layout of <see cref="Subject"/> and <see cref="Detail"/>
/// per kind is fixed by the feature that writes the entry (see the ledger README).
/// </summary>
public sealed record LedgerEvent
{
    /// <summary>Reference id (UUIDv7, time-ordered).</summary>
    public required Guid Id { get; init; }

    /// <summary>When it happened (UTC; stored with microsecond precision).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>What happened. Never <see cref="LedgerEntryKind.Transfer"/>: transfers are <see cref="Records.TransferRecord"/>s.</summary>
    public required LedgerEntryKind Kind { get; init; }

    /// <summary>What the entry is about, e.g. the purged day range, the new key's verifier key, the assessment id.</summary>
    public required string Subject { get; init; }

    /// <summary>Further facts as compact text (e.g. <c>records=… root=…</c>); null when there are none.</summary>
    public string? Detail { get; init; }
}
