namespace EgressGuard.Configuration;

/// <summary>Validated settings, or every error found.</summary>
/// <param name="Settings">The settings when there were no errors.</param>
/// <param name="Errors">Every problem, each naming its key.</param>
public sealed record ConfigLoadResult(ApplianceSettings? Settings, IReadOnlyList<string> Errors)
{
    /// <summary>Whether the configuration is usable.</summary>
    public bool Succeeded => Settings is not null && Errors.Count == 0;
}
