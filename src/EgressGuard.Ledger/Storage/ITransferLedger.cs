using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Storage;

/// <summary>Where transfer records go and where they are read back.</summary>
public interface ITransferLedger : IAsyncDisposable
{
    /// <summary>
    /// Queues one record for the writer. Waits (backpressure) when the queue is full rather than
    /// dropping: a record is never silently lost.
    /// </summary>
    ValueTask AppendAsync(TransferRecord record, CancellationToken cancellationToken = default);

    /// <summary>Queues a non-transfer entry (key rotation, purge, legal hold, assessment change); waits like <see cref="AppendAsync"/>.</summary>
    ValueTask AppendEventAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken = default);

    /// <summary>Completes when every record appended before the call is committed to disk.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Records matching <paramref name="query"/>, in ledger order.</summary>
    IReadOnlyList<TransferRecord> Query(TransferQuery query);

    /// <summary>One page of records matching <paramref name="query"/> with their sequence numbers and the next cursor.</summary>
    TransferPage QueryPage(TransferQuery query);

    /// <summary>
    /// Whether records can be written now. False while the writer fails (disk full, I/O error), while
    /// the queue has been full longer than <see cref="LedgerOptions.MaxQueueWait"/>, or when start-up
    /// found the stored tail does not verify. Lock-free; read per flow.
    /// </summary>
    bool IsAvailable { get; }

    /// <summary>What <see cref="LedgerOptions.FailMode"/> says to do while <see cref="IsAvailable"/> is false.</summary>
    LedgerFailMode FailMode { get; }

    /// <summary>
    /// Queues <paramref name="record"/> without waiting; false when the queue is full or the writer has
    /// stopped (the caller then logs and counts it: used in fail-open mode and for refusals).
    /// </summary>
    bool TryAppend(TransferRecord record);
}
