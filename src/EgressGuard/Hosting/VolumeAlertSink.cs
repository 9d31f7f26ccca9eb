using System.Diagnostics.Metrics;
using EgressGuard.Policy.Volume;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>Turns the volume counter's 80%-of-a-threshold events into a log line and the <c>egressguard.policy.volume_alerts</c> metric.</summary>
internal sealed class VolumeAlertSink
{
    private readonly ILogger _logger;
    private readonly Counter<long> _alerts;

    public VolumeAlertSink(IMeterFactory meters, ILogger logger)
    {
        _logger = logger;
        _alerts = meters.Create("EgressGuard.Policy").CreateCounter<long>("egressguard.policy.volume_alerts", "{alert}", "Times the processor's individuals this year reached 80% of a threshold.");
    }

    public void OnAlert(VolumeAlert alert)
    {
        PolicyLog.VolumeAlert(_logger, alert.Count, alert.Sensitive ? "sensitive" : "non-sensitive", alert.Threshold);
        if (_alerts.Enabled)
        {
            _alerts.Add(1, new KeyValuePair<string, object?>("tally", alert.Sensitive ? "sensitive" : "non_sensitive"));
        }
    }
}
