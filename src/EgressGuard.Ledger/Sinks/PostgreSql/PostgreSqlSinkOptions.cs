namespace EgressGuard.Ledger.Sinks.PostgreSql;

/// <summary><c>Ledger:Sinks:PostgreSql</c>: the fleet's central PostgreSQL (validated by the appliance's config loader).</summary>
public sealed record PostgreSqlSinkOptions
{
    /// <summary><c>ConnectionString</c>: an Npgsql connection string (<c>Host=…;Database=…;Username=…</c>). Required.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Batch size, poll interval, retry delays and backlog alert.</summary>
    public SinkShippingOptions Shipping { get; init; } = new();
}
