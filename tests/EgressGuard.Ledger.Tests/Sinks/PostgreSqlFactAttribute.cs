namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>A fact that is skipped, saying why, only when a PostgreSQL cluster cannot be started here (not root, or no server binaries).</summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (PostgreSqlCluster.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
