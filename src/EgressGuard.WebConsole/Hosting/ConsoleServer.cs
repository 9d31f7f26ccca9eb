using System.Net;
using EgressGuard.Policy.Registry;
using EgressGuard.WebConsole.Api;
using EgressGuard.WebConsole.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EgressGuard.WebConsole.Hosting;

/// <summary>
/// The console port: its own Kestrel server (separate from the proxy listeners, so proxy traffic
/// can never reach the API and the API never sees absolute-form proxy requests). Every
/// <c>/api/v1</c> endpoint requires an API key; <c>/healthz</c> is open and says nothing but "ok".
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConsoleServer(WebApplication app, ApiKeyAuthenticator keys, IReadOnlyList<IPEndPoint> endpoints)
    {
        _app = app;
        Keys = keys;
        Endpoints = endpoints;
    }

    /// <summary>The bound endpoints (with real ports when 0 was configured).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>The key set in use; <see cref="ApiKeyAuthenticator.Update"/> swaps it on reload.</summary>
    public ApiKeyAuthenticator Keys { get; }

    /// <summary>Starts the console. A port already in use comes back as an error, not an exception.</summary>
    public static async Task<(ConsoleServer? Server, string? Error)> StartAsync(
        ConsoleSettings settings, ConsoleData data, Action<ILoggingBuilder> configureLogging, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        configureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            foreach (var endpoint in settings.Listen)
            {
                k.Listen(endpoint);
            }
        });
        builder.Services.AddRoutingCore();
        // Every EgressGuard meter in the process (proxy, ledger, policy, sinks — each made through its
        // host's IMeterFactory) is exported here; the proxy's own host carries no exporter.
        builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("egressguard")).WithMetrics(m => m.AddMeter("EgressGuard*").AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        var keys = new ApiKeyAuthenticator(settings.ApiKeys);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EgressGuard.Console");
        app.Use(async (context, next) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await next(context);
        });
        app.UseRouting();
        Map(app, data, keys, logger);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await app.DisposeAsync();
            return (null, $"Console:Listen: cannot listen on {string.Join(", ", settings.Listen)}: {e.Message}");
        }

        var endpoints = HostEndpoints.Bound(app);
        ConsoleLog.Listening(logger, string.Join(", ", endpoints), settings.ApiKeys.Count);
        return (new ConsoleServer(app, keys, endpoints), null);
    }

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void Map(WebApplication app, ConsoleData data, ApiKeyAuthenticator keys, ILogger logger)
    {
        app.MapGet("/healthz", (HttpContext c) => c.Response.WriteAsync("ok\n"));
        var api = app.MapGroup("/api/v1");
        api.MapGet("/transfers", (HttpContext c) => TransfersApi.List(c, data.Ledger))
            .AddEndpointFilter(new RoleFilter(keys, ApiRole.Auditor, logger));
        api.MapGet("/transfers/{id}/proof", (HttpContext c, string id) => ProofsApi.Inclusion(c, data, id))
            .AddEndpointFilter(new RoleFilter(keys, ApiRole.Auditor, logger));
        api.MapGet("/ledger/consistency", (HttpContext c) => ProofsApi.Consistency(c, data))
            .AddEndpointFilter(new RoleFilter(keys, ApiRole.Auditor, logger));
        api.MapGet("/ledger/checkpoints", (HttpContext c) => ProofsApi.Checkpoints(c, data))
            .AddEndpointFilter(new RoleFilter(keys, ApiRole.Auditor, logger));
        var assessments = api.MapGroup("/assessments");
        var read = new RoleFilter(keys, ApiRole.Auditor, logger);
        var write = new RoleFilter(keys, ApiRole.Admin, logger);
        assessments.MapGet("/", (HttpContext c) => WithRegistry(c, data, r => AssessmentsApi.List(c, r))).AddEndpointFilter(read);
        assessments.MapGet("/{id}", (HttpContext c, string id) => WithRegistry(c, data, r => AssessmentsApi.Get(c, r, id))).AddEndpointFilter(read);
        assessments.MapGet("/{id}/history", (HttpContext c, string id) => WithRegistry(c, data, r => AssessmentsApi.History(c, r, id))).AddEndpointFilter(read);
        assessments.MapPost("/", (HttpContext c) => WithRegistry(c, data, r => AssessmentsApi.Create(c, r, logger))).AddEndpointFilter(write);
        assessments.MapPut("/{id}", (HttpContext c, string id) => WithRegistry(c, data, r => AssessmentsApi.Update(c, r, id, logger))).AddEndpointFilter(write);
        assessments.MapPost("/{id}/revoke", (HttpContext c, string id) => WithRegistry(c, data, r => AssessmentsApi.Revoke(c, r, id, logger))).AddEndpointFilter(write);
        app.MapPrometheusScrapingEndpoint("/metrics")
            .AddEndpointFilter(new RoleFilter(keys, ApiRole.Auditor, logger));
        app.MapFallback((HttpContext c) => ApiResponses.Error(c, StatusCodes.Status404NotFound, $"no such endpoint: {c.Request.Method} {c.Request.Path}"));
    }

    private static Task WithRegistry(HttpContext context, ConsoleData data, Func<IAssessmentRegistry, Task> handle) =>
        data.Registry is { } registry
            ? handle(registry)
            : ApiResponses.Error(context, StatusCodes.Status503ServiceUnavailable, "the assessment registry is not available on this appliance");
}
