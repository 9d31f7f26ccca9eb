using EgressGuard.Ledger.Sinks.PostgreSql;
using EgressGuard.Ledger.Sinks.Syslog;

namespace EgressGuard.Ledger.Sinks;

/// <summary><c>Ledger:Sinks</c>: where the ledger is shipped besides the local store. A null sink is disabled.</summary>
public sealed record LedgerSinksOptions
{
    /// <summary><c>Ledger:Sinks:PostgreSql</c> when <c>Enabled</c>; otherwise null.</summary>
    public PostgreSqlSinkOptions? PostgreSql { get; init; }

    /// <summary><c>Ledger:Sinks:Syslog</c> when <c>Enabled</c>; otherwise null.</summary>
    public SyslogSinkOptions? Syslog { get; init; }
}
