using System.Diagnostics.Metrics;

namespace EgressGuard.Ledger.Sinks;

/// <summary>
/// One sink's instruments, on a meter tagged <c>sink=NAME</c>: <c>egressguard.ledger.sink.backlog</c>
/// (entries waiting), <c>egressguard.ledger.sink.shipped_entries</c>,
/// <c>egressguard.ledger.sink.shipped_checkpoints</c> and <c>egressguard.ledger.sink.failures</c>.
/// </summary>
internal sealed class SinkMetrics
{
    /// <summary>The meter name (filter on it to export or listen).</summary>
    public const string MeterName = "EgressGuard.Ledger.Sinks";

    private readonly Counter<long> _shippedEntries;
    private readonly Counter<long> _shippedCheckpoints;
    private readonly Counter<long> _failures;

    public SinkMetrics(IMeterFactory meterFactory, string sinkName, Func<long> backlog)
    {
        var meter = meterFactory.Create(new MeterOptions(MeterName) { Tags = [new KeyValuePair<string, object?>("sink", sinkName)] });
        _shippedEntries = meter.CreateCounter<long>("egressguard.ledger.sink.shipped_entries", "{entry}", "Ledger entries delivered by the sink.");
        _shippedCheckpoints = meter.CreateCounter<long>("egressguard.ledger.sink.shipped_checkpoints", "{checkpoint}", "Signed checkpoints delivered by the sink.");
        _failures = meter.CreateCounter<long>("egressguard.ledger.sink.failures", "{failure}", "Failed connects or deliveries.");
        meter.CreateObservableGauge("egressguard.ledger.sink.backlog", backlog, "{entry}", "Ledger entries written but not yet delivered.");
    }

    public void Shipped(int entries, int checkpoints)
    {
        if (_shippedEntries.Enabled && entries > 0)
        {
            _shippedEntries.Add(entries);
        }

        if (_shippedCheckpoints.Enabled && checkpoints > 0)
        {
            _shippedCheckpoints.Add(checkpoints);
        }
    }

    public void Failed()
    {
        if (_failures.Enabled)
        {
            _failures.Add(1);
        }
    }
}
