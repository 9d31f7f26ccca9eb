namespace EgressGuard.Ledger.Sinks;

/// <summary>Ships the ledger somewhere else (a central database, a SIEM), store-and-forward from a local cursor.</summary>
public interface ILedgerSink
{
    /// <summary>Short name for logs and metric tags (<c>postgresql</c>, <c>syslog</c>).</summary>
    string Name { get; }

    /// <summary>Current progress.</summary>
    LedgerSinkStatus Status { get; }

    /// <summary>Ships until <paramref name="cancellationToken"/> is cancelled; never throws for an unreachable or failing destination.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
