using System.Net;
using EgressGuard.Configuration;
using EgressGuard.Geo;
using EgressGuard.Inspection;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy;
using EgressGuard.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
        var (records, hash) = AssessmentFileWatcher.Read(settings.AssessmentsFile);
        if (!records.Succeeded)
        {
            geo.Dispose();
            return new ApplianceStartResult(null, records.Errors);
        }

        var ledger = SqliteTransferLedger.Open(settings.DataDirectory, out var ledgerError);
        if (ledger is null)
        {
            geo.Dispose();
            return new ApplianceStartResult(null, [ledgerError!]);
        }

        var fingerprintKey = ApplianceSecrets.LoadOrCreateFingerprintKey(settings.DataDirectory, out var keyError);
        if (fingerprintKey is null)
        {
            geo.Dispose();
            await ledger.DisposeAsync();
            return new ApplianceStartResult(null, [keyError!]);
        }

        var tls = TlsBootstrap.Load(settings, options.Time ?? TimeProvider.System);
        if (tls.Authority is null)
        {
            geo.Dispose();
            await ledger.DisposeAsync();
            return new ApplianceStartResult(null, tls.Errors);
        }

        var store = new PolicyStore(PolicyFactory.Create(settings, records.Records));
        // Content root = the program's folder, not the working directory: the host watches its content
        // root for appsettings changes, and the ledger under ./data would keep that watcher busy.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        // Per-request framework lines (Kestrel, YARP's "Proxying to …") would drown the journal and
        // cost throughput; the ledger has every transfer. The config's Logging section overrides.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        if (settings.Logging is not null)
        {
            builder.Logging.AddConfiguration(settings.Logging);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        if (options.LoggerProvider is not null)
        {
            builder.Logging.AddProvider(options.LoggerProvider);
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new CountryResolver(geo, settings.GeoOverrides));
        builder.Services.AddSingleton<ITransferLedger>(ledger);
        builder.Services.AddSingleton(options.Time ?? TimeProvider.System);
        if (options.HostResolver is not null)
        {
            builder.Services.AddSingleton(options.HostResolver);
        }

        if (settings.Proxy.InspectionEnabled)
        {
            builder.Services.AddSingleton<IPiiScanner>(new PiiScanner(new ScannerOptions { FingerprintKey = fingerprintKey }));
        }

        if (settings.Tls.Mode != EgressGuard.Proxy.Tls.TlsMode.Off)
        {
            EgressGuard.Proxy.Tls.TlsHostingExtensions.AddEgressGuardTls(builder.Services, settings.Tls, tls.Authority, tls.Trust);
        }

        builder.Services.AddEgressGuardProxy(settings.Proxy);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.WebHost.ConfigureKestrel(k => k.ListenEgressGuardProxy(settings.Proxy));
        EgressGuard.Proxy.Transparent.TransparentHostingExtensions.UseEgressGuardTransparent(builder.WebHost, settings.Transparent);

        var app = builder.Build();
        app.UseEgressGuardProxy();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await app.DisposeAsync();
            await ledger.DisposeAsync();
            geo.Dispose();
            return new ApplianceStartResult(null, [$"Proxy:Listen: cannot listen on {string.Join(", ", settings.Proxy.Listen)}: {e.Message}"]);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EgressGuard");
        var endpoints = BoundEndpoints(app);
        ApplianceLog.GeoDatabase(logger, geo.Info.Path, geo.Info.DatabaseType, geo.Info.BuildDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        if (hash is null)
        {
            ApplianceLog.AssessmentsMissing(logger, settings.AssessmentsFile);
        }
        else
        {
            ApplianceLog.AssessmentsLoaded(logger, settings.AssessmentsFile, records.Records.Count, store.Current.Generation);
        }

        ApplianceLog.Started(logger, string.Join(", ", endpoints), settings.Mode.ToString(), settings.DataDirectory);
        var watcher = new AssessmentFileWatcher(settings.AssessmentsFile, store, logger, hash);
        return new ApplianceStartResult(new RunningAppliance(app, geo, ledger, watcher, store, endpoints), []);
    }

    private static List<IPEndPoint> BoundEndpoints(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var endpoints = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
            {
                endpoints.Add(new IPEndPoint(ip, uri.Port));
            }
        }

        return endpoints;
    }
}
