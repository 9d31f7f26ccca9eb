using Microsoft.Extensions.Hosting;

namespace EgressGuard.Ledger.Sinks;

/// <summary>Runs one sink for the host's lifetime: started with the host, cancelled (and its connection closed) at shutdown.</summary>
internal sealed class LedgerSinkService : BackgroundService
{
    private readonly ILedgerSink _sink;

    public LedgerSinkService(ILedgerSink sink)
    {
        _sink = sink;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: a slow destination must not delay the proxy.
        await Task.Yield();
        await _sink.RunAsync(stoppingToken);
    }
}
