using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Query;

/// <summary>A transfer record with its position in the ledger.</summary>
/// <param name="Sequence">The record's sequence number (the paging cursor).</param>
/// <param name="Record">The record, decoded from the hashed canonical bytes.</param>
public readonly record struct LedgerRecord(ulong Sequence, TransferRecord Record);
