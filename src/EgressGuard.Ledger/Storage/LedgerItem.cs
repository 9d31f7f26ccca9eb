using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// What the writer's queue carries: a transfer, an event, or a barrier (completed once everything
/// before it is committed) optionally carrying a control action the writer runs at that point
/// (maintenance, key rotation), so all writes stay on the one writer.
/// </summary>
internal readonly record struct LedgerItem(TransferRecord? Transfer, LedgerEvent? Event, TaskCompletionSource? Barrier, Action? Control = null);
