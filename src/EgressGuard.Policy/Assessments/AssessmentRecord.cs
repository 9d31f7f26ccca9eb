namespace EgressGuard.Policy.Assessments;

/// <summary>
/// A recorded legal basis for cross-border transfers to some destinations (v0 fields; the policy
/// issue extends it with versions, status, source groups and approvals).
/// </summary>
public sealed record AssessmentRecord
{
    /// <summary>Unique id, written into every transfer it covers.</summary>
    public required string Id { get; init; }

    /// <summary>The overseas recipient (legal name).</summary>
    public required string Recipient { get; init; }

    /// <summary>The mechanism the record relies on.</summary>
    public required TransferMechanism Mechanism { get; init; }

    /// <summary>Destinations covered: hosts, <c>*.suffix</c>, CIDR networks, <c>country:XX</c>.</summary>
    public required IReadOnlyList<DestinationPattern> Destinations { get; init; }

    /// <summary>Personal-information categories permitted (scanner type names); <c>*</c> permits all.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>First day covered, from 00:00 China time.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last day covered, to 24:00 China time and not an instant longer.</summary>
    public required DateOnly ValidTo { get; init; }

    /// <summary>CAC result or filing number, or certificate number.</summary>
    public string? Reference { get; init; }

    /// <summary>Free text for reviewers.</summary>
    public string? Notes { get; init; }

    /// <summary>The first instant covered.</summary>
    public DateTimeOffset CoversFrom => ChinaTime.StartOfDay(ValidFrom);

    /// <summary>The first instant no longer covered (exclusive end).</summary>
    public DateTimeOffset CoversUntil => ChinaTime.StartOfDay(ValidTo.AddDays(1));

    /// <summary>Where <paramref name="now"/> falls relative to the validity window.</summary>
    public AssessmentValidity ValidityAt(DateTimeOffset now) =>
        now < CoversFrom ? AssessmentValidity.NotYetValid
        : now >= CoversUntil ? AssessmentValidity.Expired
        : AssessmentValidity.Valid;

    /// <summary>Whether every type in <paramref name="types"/> is among <see cref="Categories"/> (or <c>*</c> is).</summary>
    public bool PermitsAll(IReadOnlyList<string>? types)
    {
        if (types is null || types.Count == 0)
        {
            return true;
        }

        var categories = Categories;
        for (var c = 0; c < categories.Count; c++)
        {
            if (categories[c] == "*")
            {
                return true;
            }
        }

        for (var t = 0; t < types.Count; t++)
        {
            var found = false;
            for (var c = 0; c < categories.Count && !found; c++)
            {
                found = string.Equals(categories[c], types[t], StringComparison.Ordinal);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
