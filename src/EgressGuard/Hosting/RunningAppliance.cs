using System.Net;
using EgressGuard.Geo;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace EgressGuard.Hosting;

/// <summary>A started appliance: its bound endpoints, policy, ledger; dispose to stop it cleanly.</summary>
public sealed class RunningAppliance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ICountryDatabase _geo;
    private readonly AssessmentFileWatcher _watcher;
    private int _disposed;

    internal RunningAppliance(WebApplication app, ICountryDatabase geo, MerkleTransferLedger ledger, AssessmentFileWatcher watcher, PolicyStore policy, IReadOnlyList<IPEndPoint> endpoints)
    {
        _app = app;
        _geo = geo;
        Ledger = ledger;
        _watcher = watcher;
        Policy = policy;
        ProxyEndpoints = endpoints;
    }

    /// <summary>The proxy's bound endpoints (actual ports when 0 was configured).</summary>
    public IReadOnlyList<IPEndPoint> ProxyEndpoints { get; }

    /// <summary>The policy store in force.</summary>
    public PolicyStore Policy { get; }

    /// <summary>The transfer ledger.</summary>
    public MerkleTransferLedger Ledger { get; }

    /// <summary>Forces an immediate check of the assessment file.</summary>
    public void ReloadAssessments() => _watcher.Check();

    /// <summary>Completes when the host stops (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher.Dispose();
        using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _app.StopAsync(stopTimeout.Token);
        }

        await _app.DisposeAsync();

        // Records of flows that ended during shutdown are queued: drain them before closing.
        await Ledger.DisposeAsync();
        _geo.Dispose();
    }
}
