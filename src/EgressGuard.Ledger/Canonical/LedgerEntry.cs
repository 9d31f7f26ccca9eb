using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Canonical;

/// <summary>A decoded ledger entry: its place in the log and either a transfer or an event.</summary>
public sealed record LedgerEntry
{
    /// <summary>Position in the log (0 for the first entry the appliance ever wrote).</summary>
    public required ulong Sequence { get; init; }

    /// <summary>The discriminator: <see cref="LedgerEntryKind.Transfer"/> when <see cref="Transfer"/> is set, otherwise the event's kind.</summary>
    public required LedgerEntryKind Kind { get; init; }

    /// <summary>The transfer, when <see cref="Kind"/> is <see cref="LedgerEntryKind.Transfer"/>; null otherwise.</summary>
    public TransferRecord? Transfer { get; init; }

    /// <summary>The event, for every other kind; null for transfers.</summary>
    public LedgerEvent? Event { get; init; }
}
