using System.Net;
using EgressGuard.Geo;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy;
using EgressGuard.WebConsole.Hosting;
using EgressGuard.Policy.Registry;
using EgressGuard.Policy.Volume;
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

    private readonly PolicyReloader _reloader;
    private readonly AssessmentAuditPump _audit;

    internal RunningAppliance(WebApplication app, ICountryDatabase geo, MerkleTransferLedger ledger, AssessmentFileWatcher watcher, PolicyStore policy, IReadOnlyList<IPEndPoint> endpoints,
        SqliteAssessmentRegistry registry, VolumeCounter volume, PolicyReloader reloader, ConsoleServer? console, AssessmentAuditPump audit)
    {
        Registry = registry;
        Volume = volume;
        _reloader = reloader;
        _audit = audit;
        _app = app;
        _geo = geo;
        Ledger = ledger;
        _watcher = watcher;
        Policy = policy;
        ProxyEndpoints = endpoints;
        Console = console;
    }

    /// <summary>The proxy's bound endpoints (actual ports when 0 was configured).</summary>
    public IReadOnlyList<IPEndPoint> ProxyEndpoints { get; }

    /// <summary>The console (API) server, or null when <c>Console:Enabled</c> is false.</summary>
    public ConsoleServer? Console { get; }

    /// <summary>The console's bound endpoints (empty when disabled).</summary>
    public IReadOnlyList<IPEndPoint> ConsoleEndpoints => Console?.Endpoints ?? [];

    /// <summary>The policy store in force.</summary>
    public PolicyStore Policy { get; }

    /// <summary>The transfer ledger.</summary>
    public MerkleTransferLedger Ledger { get; }

    /// <summary>The assessment registry (source of truth for records).</summary>
    public SqliteAssessmentRegistry Registry { get; }

    /// <summary>The volume counter.</summary>
    public VolumeCounter Volume { get; }

    /// <summary>Forces an immediate check of the assessment file (imported into the registry).</summary>
    public void ReloadAssessments() => _watcher.Check();

    /// <summary>Forces an immediate check of registry, assessment file and config file.</summary>
    public void ReloadPolicy() => _reloader.Poll();

    /// <summary>Completes when the host stops (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _reloader.Dispose();
            await _audit.DisposeAsync();
            if (Console is not null)
            {
                await Console.DisposeAsync();
            }

            using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                try
                {
                    await _app.StopAsync(stopTimeout.Token);
                }
                catch (OperationCanceledException)
                {
                    // Connections still open after 10 s are cut; the ledger is closed below all the same.
                }
            }

            await _app.DisposeAsync();
        }
        finally
        {
            // Whatever happened above, records of flows that ended during shutdown are queued: drain
            // them and sign the shutdown checkpoint before closing.
            await Ledger.DisposeAsync();
            Volume.Dispose();
            Registry.Dispose();
            _geo.Dispose();
        }
    }
}
