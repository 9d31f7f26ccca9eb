using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;
using EgressGuard.Proxy.Configuration;
using EgressGuard.Proxy.Flows;
using EgressGuard.Proxy.Telemetry;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Proxy;

/// <summary>What every listener shares: settings, the decider, the ledger, telemetry.</summary>
public sealed class ProxyServices
{
    /// <summary>Creates the bundle.</summary>
    public ProxyServices(ProxySettings settings, FlowDecider decider, ITransferLedger ledger, ProxyMetrics metrics, ILoggerFactory loggerFactory)
    {
        Settings = settings;
        Decider = decider;
        Ledger = ledger;
        Metrics = metrics;
        Logger = loggerFactory.CreateLogger("EgressGuard.Proxy");
    }

    /// <summary>Listener settings and limits.</summary>
    public ProxySettings Settings { get; }

    /// <summary>Client check, resolution, geo, decision.</summary>
    public FlowDecider Decider { get; }

    /// <summary>Where records go.</summary>
    public ITransferLedger Ledger { get; }

    /// <summary>Instruments.</summary>
    public ProxyMetrics Metrics { get; }

    /// <summary>The proxy's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>
    /// Appends a record and counts it. Waits when the ledger queue is full (backpressure); a writer
    /// failure is logged loudly and rethrown so the flow does not silently proceed unrecorded.
    /// </summary>
    public async ValueTask RecordAsync(TransferRecord record, CancellationToken cancellationToken = default)
    {
        Metrics.Transfer(record.Kind, record.Decision);

        // Refusals, monitor-mode "would block" and failures are what an admin reads in the journal;
        // allowed transfers only at Debug (they are all in the ledger anyway).
        if (record.Decision == TransferVerdict.Allow)
        {
            ProxyLog.Allowed(Logger, record.Decision, record.Reason, record.Client, record.Host, record.Port, record.Country, record.Id);
        }
        else
        {
            ProxyLog.NotAllowed(Logger, record.Decision, record.Reason, record.Client, record.Host, record.Port, record.Country, record.Id);
        }

        try
        {
            await Ledger.AppendAsync(record, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ProxyLog.LedgerWriteFailed(Logger, record.Id, e);
            throw;
        }
    }
}
