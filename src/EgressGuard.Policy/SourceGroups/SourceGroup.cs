using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.SourceGroups;

/// <summary>A named set of client networks with its own enforcement, MLPS level and handling of unreadable traffic.</summary>
public sealed record SourceGroup
{
    /// <summary>Name, referenced by assessment records' <c>SourceGroups</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Client networks in the group.</summary>
    public required NetworkSet Networks { get; init; }

    /// <summary>Enforce, Monitor or Off.</summary>
    public SourceGroupMode Mode { get; init; } = SourceGroupMode.Enforce;

    /// <summary>MLPS 2.0 protection level 1-5 (GB/T 22239-2019); 3 or more means default-deny egress. 0 when not set.</summary>
    public int MlpsLevel { get; init; }

    /// <summary>What happens to outbound traffic that cannot be inspected.</summary>
    public UninspectedHandling Uninspected { get; init; } = UninspectedHandling.RequireAssessment;

    /// <summary>Splice or Intercept for CONNECT tunnels (read by the TLS layer).</summary>
    public TlsHandling Tls { get; init; } = TlsHandling.Splice;
}
