using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Storage;

/// <summary>One partition row as read back: sequence, canonical bytes, stored leaf hash and filter columns; or a read error.</summary>
internal readonly record struct StoredEntry(
    ulong Sequence, byte[] Canonical, MerkleHash? Leaf, LedgerSchema.FilterColumns Columns, int Kind, long TimeMicros, DateOnly Partition, string? Error);
