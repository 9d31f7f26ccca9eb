using EgressGuard.Ledger.Sinks;

namespace EgressGuard.Hosting;

/// <summary>
/// The ledger's read side for sinks registered before the ledger is opened (it opens once the host
/// has logging and metrics). Sinks start with the host, after the ledger is set; until then there is
/// nothing to read.
/// </summary>
internal sealed class DeferredLedgerFeed(Func<ILedgerFeed?> ledger) : ILedgerFeed
{
    public string Origin => ledger()?.Origin ?? string.Empty;

    public ValueTask<IReadOnlyList<FeedEntry>> ReadEntriesAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken) =>
        ledger() is { } feed ? feed.ReadEntriesAsync(fromSequence, maxCount, cancellationToken) : ValueTask.FromResult<IReadOnlyList<FeedEntry>>([]);

    public ValueTask<IReadOnlyList<FeedCheckpoint>> ReadCheckpointsAsync(long fromNumber, int maxCount, CancellationToken cancellationToken) =>
        ledger() is { } feed ? feed.ReadCheckpointsAsync(fromNumber, maxCount, cancellationToken) : ValueTask.FromResult<IReadOnlyList<FeedCheckpoint>>([]);
}
