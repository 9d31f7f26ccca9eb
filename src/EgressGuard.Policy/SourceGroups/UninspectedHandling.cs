namespace EgressGuard.Policy.SourceGroups;

/// <summary>What happens to outbound traffic whose content cannot be read (a CONNECT tunnel not intercepted).</summary>
public enum UninspectedHandling
{
    /// <summary>Forward it; with no covering record the reason is <c>Uninspected</c>.</summary>
    Allow = 1,

    /// <summary>Forward only when a record covers the destination (the default).</summary>
    RequireAssessment,

    /// <summary>Refuse it (reason <c>Uninspected</c>), covered or not.</summary>
    Block,
}
