using EgressGuard.Configuration;
using EgressGuard.Geo;
using EgressGuard.Inspection;
using EgressGuard.Ledger.Sinks;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy;
using EgressGuard.Policy.Registry;
using EgressGuard.Policy.Volume;
using EgressGuard.Proxy;
using EgressGuard.WebConsole.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EgressGuard.Hosting;

/// <summary>The composition root: opens geo, ledger and records, builds the policy and starts the listeners.</summary>
public static class Appliance
{
    /// <summary>Starts the appliance. Never throws for a bad database, file or address: those come back as errors.</summary>
    public static async Task<ApplianceStartResult> StartAsync(ApplianceSettings settings, ApplianceStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ApplianceStartOptions();
        var opened = CountryDatabase.Open(settings.GeoDatabase);
        if (!opened.Succeeded)
        {
            var hint = settings.GeoDatabase == ConfigLoader.BundledGeoDatabase ? " (the bundled database is fetched by appliance/fetch-geo.sh before the build)" : string.Empty;
            return new ApplianceStartResult(null, [opened.Error + hint]);
        }

        var geo = opened.Database!;
        var time = options.Time ?? TimeProvider.System;
        var registry = SqliteAssessmentRegistry.Open(settings.DataDirectory, time, out var registryError);
        var volume = registry is null ? null : VolumeCounter.Open(settings.DataDirectory, out registryError);
        WebApplication? app = null;
        MerkleTransferLedger? ledger = null;
        var started = false;

        // Every failure below releases what was opened before it (tests and the CLI start appliances
        // in one process; a leaked registry or ledger would keep its files and lock open).
        async Task<ApplianceStartResult> FailAsync(IReadOnlyList<string> errors)
        {
            if (app is not null)
            {
                if (started)
                {
                    await app.StopAsync(CancellationToken.None);
                }

                await app.DisposeAsync();
            }

            if (ledger is not null)
            {
                await ledger.DisposeAsync();
            }

            volume?.Dispose();
            registry?.Dispose();
            geo.Dispose();
            return new ApplianceStartResult(null, errors);
        }

        if (registry is null || volume is null)
        {
            return await FailAsync([registryError!]);
        }

        var importer = new AssessmentFileWatcher(settings.AssessmentsFile, registry, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var importErrors = importer.Check();
        if (importErrors.Count > 0)
        {
            return await FailAsync([.. importErrors.Select(e => $"assessments file '{settings.AssessmentsFile}': {e}")]);
        }

        var fingerprintKey = ApplianceSecrets.LoadOrCreateFingerprintKey(settings.DataDirectory, out var keyError);
        if (fingerprintKey is null)
        {
            return await FailAsync([keyError!]);
        }

        var tls = TlsBootstrap.Load(settings, time);
        if (tls.Authority is null)
        {
            return await FailAsync(tls.Errors);
        }

        var store = new PolicyStore(PolicyFactory.Create(settings, registry.Current()));
        // Content root = the program's folder, not the working directory: the host watches its content
        // root for appsettings changes, and the ledger under ./data would keep that watcher busy.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        ConfigureLogging(builder.Logging, settings, options);

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new CountryResolver(geo, settings.GeoOverrides));
        // The ledger opens once logging and metrics exist (below, before anything resolves it).
        builder.Services.AddSingleton<ITransferLedger>(_ => ledger!);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<IAssessmentRegistry>(registry);
        builder.Services.AddSingleton(volume);
        if (options.HostResolver is not null)
        {
            builder.Services.AddSingleton(options.HostResolver);
        }

        if (settings.Proxy.InspectionEnabled)
        {
            builder.Services.AddSingleton<IPiiScanner>(new PiiScanner(new ScannerOptions { FingerprintKey = fingerprintKey }));
        }

        // Interception is available when Tls:Mode or any source group asks for it (groups are hot-reloaded,
        // so a group switched to Intercept later needs the services present: register them whenever
        // the CA is loaded and some group or the mode intercepts at start).
        if (settings.Tls.Mode != EgressGuard.Proxy.Tls.TlsMode.Off || settings.SourceGroups.Any(g => g.Tls == EgressGuard.Policy.SourceGroups.TlsHandling.Intercept))
        {
            EgressGuard.Proxy.Tls.TlsHostingExtensions.AddEgressGuardTls(builder.Services, settings.Tls, tls.Authority, tls.Trust);
        }

        builder.Services.AddEgressGuardProxy(settings.Proxy);
        // Sinks ship from the ledger opened below; their hosted services start with the host, after it is open.
        builder.Services.AddLedgerSinks(settings.LedgerSinks, options.LedgerFeed ?? new DeferredLedgerFeed(() => ledger), settings.DataDirectory);

        // 64 KiB transport blocks instead of Kestrel's 4 KiB: a quarter of the CPU per uploaded byte (bench/README.md).
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(new TransportMemoryPoolFactory());

        // 1 MiB of unsent output per connection (Kestrel's default is 64 KiB, its input side already 1 MiB):
        // a tunnel's download no longer waits for each 64 KiB to be sent before reading the next
        // (−24 % CPU per GiB, +21 % MB/s; bench/README.md). Memory is used only while a client reads
        // slower than its origin sends.
        builder.WebHost.UseSockets(o => o.MaxWriteBufferSize = 1024 * 1024);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.WebHost.ConfigureKestrel(k => k.ListenEgressGuardProxy(settings.Proxy));
        EgressGuard.Proxy.Transparent.TransparentHostingExtensions.UseEgressGuardTransparent(builder.WebHost, settings.Transparent);

        app = builder.Build();
        var ledgerOptions = (settings.Ledger ?? new LedgerOptions { DataDirectory = settings.DataDirectory }) with { Time = options.Time ?? TimeProvider.System };
        var openedLedger = MerkleTransferLedger.Open(ledgerOptions, app.Services.GetRequiredService<ILoggerFactory>(), app.Services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        if (openedLedger.Ledger is null)
        {
            return await FailAsync([openedLedger.Error!]);
        }

        ledger = openedLedger.Ledger;
        app.UseEgressGuardProxy();
        try
        {
            await app.StartAsync(cancellationToken);
            started = true;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return await FailAsync([$"Proxy:Listen: cannot listen on {string.Join(", ", settings.Proxy.Listen)}: {e.Message}"]);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EgressGuard");
        var endpoints = HostEndpoints.Bound(app);
        ApplianceLog.GeoDatabase(logger, geo.Info.Path, geo.Info.DatabaseType, geo.Info.BuildDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        ApplianceLog.AssessmentsLoaded(logger, registry.Path, registry.Current().Count, store.Current.Generation);
        var alerts = new VolumeAlertSink(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), logger);
        volume.ThresholdApproached += alerts.OnAlert;

        ApplianceLog.Started(logger, string.Join(", ", endpoints), settings.Mode.ToString(), settings.DataDirectory);
        ConsoleServer? console = null;
        if (settings.Console.Enabled)
        {
            var (consoleServer, consoleError) = await ConsoleServer.StartAsync(
                settings.Console, new ConsoleData(ledger, time) { Registry = registry, LedgerFiles = ledgerOptions }, l => ConfigureLogging(l, settings, options), cancellationToken);
            if (consoleServer is null)
            {
                return await FailAsync([consoleError!]);
            }

            console = consoleServer;
        }

        var audit = new AssessmentAuditPump(registry, ledger, logger);
        var watcher = new AssessmentFileWatcher(settings.AssessmentsFile, registry, logger);
        var reloader = new PolicyReloader(settings, store, registry, watcher, logger, TimeSpan.FromSeconds(1));
        return new ApplianceStartResult(new RunningAppliance(app, geo, ledger, watcher, store, endpoints, registry, volume, reloader, console, audit), []);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ApplianceSettings settings, ApplianceStartOptions options)
    {
        logging.SetMinimumLevel(options.MinimumLogLevel);
        // Per-request framework lines (Kestrel, YARP's "Proxying to …") would drown the journal and
        // cost throughput; the ledger has every transfer. The config's Logging section overrides.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Yarp", LogLevel.Warning);
        // While this category is enabled at any level, ASP.NET Core hosting starts an Activity and a
        // logging scope for every request (two AsyncLocal writes, trace-context parsing) that nothing
        // here reads; it only ever logs request start/finish at Information. Off unless the config asks.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (settings.Logging is not null)
        {
            logging.AddConfiguration(settings.Logging);
        }

        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        if (options.LoggerProvider is not null)
        {
            logging.AddProvider(options.LoggerProvider);
        }
    }
}
