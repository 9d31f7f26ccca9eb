using System.Diagnostics.Metrics;
using EgressGuard.Ledger.Sinks.PostgreSql;
using EgressGuard.Ledger.Sinks.Syslog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Ledger.Sinks;

/// <summary>Wires the configured sinks into a host: one <see cref="ILedgerSink"/> and one hosted runner each.</summary>
public static class LedgerSinkRegistration
{
    /// <summary>The folder under the data directory that holds the sinks' local cursors.</summary>
    public static string CursorDirectory(string dataDirectory) => Path.Combine(dataDirectory, "ledger", "sinks");

    /// <summary>
    /// Adds a runner per enabled sink in <paramref name="options"/>, shipping from <paramref name="feed"/>;
    /// cursors live under <c>{dataDirectory}/ledger/sinks/</c>. Nothing is added when no sink is enabled.
    /// </summary>
    public static IServiceCollection AddLedgerSinks(this IServiceCollection services, LedgerSinksOptions options, ILedgerFeed feed, string dataDirectory)
    {
        var cursors = CursorDirectory(dataDirectory);
        if (options.PostgreSql is { } postgreSql)
        {
            AddSink(services, sp => new PostgreSqlLedgerSink(feed, postgreSql, Path.Combine(cursors, "postgresql.cursor"), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>(), sp.GetService<TimeProvider>()));
        }

        if (options.Syslog is { } syslog)
        {
            AddSink(services, sp => new SyslogLedgerSink(feed, syslog, Path.Combine(cursors, "syslog.cursor"), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>(), sp.GetService<TimeProvider>()));
        }

        return services;
    }

    private static void AddSink(IServiceCollection services, Func<IServiceProvider, ILedgerSink> create)
    {
        // One instance per sink, shared by IEnumerable<ILedgerSink> (status) and its hosted runner.
        var slot = new SinkSlot(create);
        services.AddSingleton(slot.Get);
        services.AddSingleton<IHostedService>(sp => new LedgerSinkService(slot.Get(sp)));
    }

    private sealed class SinkSlot(Func<IServiceProvider, ILedgerSink> create)
    {
        private readonly Lock _lock = new();
        private ILedgerSink? _sink;

        public ILedgerSink Get(IServiceProvider services)
        {
            lock (_lock)
            {
                return _sink ??= create(services);
            }
        }
    }
}
