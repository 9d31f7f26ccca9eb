using EgressGuard.Proxy.Flows;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>What a caller may supply besides settings (tests and embedders; the CLI uses the defaults).</summary>
public sealed record ApplianceStartOptions
{
    /// <summary>Name resolution; default the system resolver.</summary>
    public IHostResolver? HostResolver { get; init; }

    /// <summary>The clock; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Minimum log level; default Information.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>The ledger's read side for the sinks (<c>Ledger:Sinks</c>); sinks start only when it is set.</summary>
    public EgressGuard.Ledger.Sinks.ILedgerFeed? LedgerFeed { get; init; }

    /// <summary>Extra logger provider (tests capture logs with it).</summary>
    public ILoggerProvider? LoggerProvider { get; init; }
}
