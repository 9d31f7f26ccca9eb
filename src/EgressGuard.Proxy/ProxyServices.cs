using System.Net;
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
    /// Decides a flow (<see cref="FlowDecider.DecideAsync"/>), then applies <c>Ledger.FailMode</c>: while
    /// the ledger is unavailable, Closed refuses outbound transfers (<see cref="ReasonCode.LedgerUnavailable"/>);
    /// Open lets them through and logs the outage.
    /// </summary>
    public async ValueTask<FlowDecision> DecideAsync(IPAddress client, string host, int port, bool tunnel, CancellationToken cancellationToken, IPAddress? dialled = null)
    {
        var flow = await Decider.DecideAsync(client, host, port, tunnel, cancellationToken, dialled);
        if (!flow.Decision.Outbound || flow.Decision.Verdict is TransferVerdict.Block or TransferVerdict.Failed || Ledger.IsAvailable)
        {
            return flow;
        }

        if (Ledger.FailMode == LedgerFailMode.Closed)
        {
            LedgerGateLog.RefusedClosed(Logger, flow.Client, flow.Host, flow.Id);
            return flow with { Decision = flow.Decision with { Verdict = TransferVerdict.Block, Reason = ReasonCode.LedgerUnavailable } };
        }

        LedgerGateLog.AllowedOpen(Logger, flow.Client, flow.Host, flow.Id);
        return flow;
    }

    /// <summary>
    /// Appends a record and counts it. Waits when the ledger queue is full (backpressure); a writer
    /// failure is logged loudly and rethrown so the flow does not silently proceed unrecorded.
    /// </summary>
    public async ValueTask RecordAsync(TransferRecord record, CancellationToken cancellationToken = default)
    {
        if (!Ledger.IsAvailable)
        {
            // The ledger cannot keep up or cannot write: never wait on it here, never drop silently.
            Metrics.Transfer(record.Kind, record.Decision);
            if (!Ledger.TryAppend(record))
            {
                LedgerGateLog.Unrecorded(Logger, record.Decision, record.Reason, record.Client, record.Host, record.Id);
            }

            return;
        }

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
