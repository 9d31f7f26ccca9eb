using System.Threading.Channels;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Registry;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>
/// Writes every assessment-registry change into the transfer ledger (an <c>AssessmentChange</c>
/// entry: who, when, what) — at start for changes made while the appliance was down (the CLI), and
/// whenever the registry reports a change (API, import, another process seen by the poll). One
/// drain at a time; a failed drain is retried on the next change or after 5 s.
/// </summary>
internal sealed class AssessmentAuditPump : IAsyncDisposable
{
    private readonly SqliteAssessmentRegistry _registry;
    private readonly MerkleTransferLedger _ledger;
    private readonly ILogger _logger;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AssessmentAuditPump(SqliteAssessmentRegistry registry, MerkleTransferLedger ledger, ILogger logger)
    {
        _registry = registry;
        _ledger = ledger;
        _logger = logger;
        _registry.Changed += Signal;
        Signal();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks for a drain (coalesced: one pending request is enough).</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    /// <summary>Drains what is pending now and waits until it is in the ledger (for tests and shutdown).</summary>
    public async Task DrainNowAsync(CancellationToken cancellationToken = default)
    {
        await AssessmentLedgerDrain.DrainAsync(_registry, _ledger.AppendEventAsync, cancellationToken);
        await _ledger.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _registry.Changed -= Signal;
        _signal.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        // Changes made up to shutdown still reach the ledger (it is closed after this).
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await AssessmentLedgerDrain.DrainAsync(_registry, _ledger.AppendEventAsync, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            ApplianceLog.AssessmentAuditFailed(_logger, e.Message);
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (await _signal.Reader.WaitToReadAsync(token))
        {
            _signal.Reader.TryRead(out _);
            try
            {
                await AssessmentLedgerDrain.DrainAsync(_registry, _ledger.AppendEventAsync, token);
            }
            catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                ApplianceLog.AssessmentAuditFailed(_logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), token);
                Signal();
            }
        }
    }
}
