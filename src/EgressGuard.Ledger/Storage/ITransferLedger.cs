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

    /// <summary>Completes when every record appended before the call is committed to disk.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Records matching <paramref name="query"/>, oldest first.</summary>
    IReadOnlyList<TransferRecord> Query(TransferQuery query);
}
