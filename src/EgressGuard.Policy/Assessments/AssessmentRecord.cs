namespace EgressGuard.Policy.Assessments;

/// <summary>
/// A recorded legal basis for cross-border transfers: who receives what, from which source groups,
/// under which mechanism, for how long. The registry keeps every version; the decision reads the
/// latest.
/// </summary>
public sealed record AssessmentRecord
{
    /// <summary>Unique id, written into every transfer it covers.</summary>
    public required string Id { get; init; }

    /// <summary>Version number assigned by the registry (1 for a new record); 0 in a file that has not been stored yet.</summary>
    public int Version { get; init; }

    /// <summary>The overseas recipient (legal name).</summary>
    public required string Recipient { get; init; }

    /// <summary>The recipient's country or region (ISO 3166-1 alpha-2, e.g. <c>US</c>, <c>HK</c>); optional.</summary>
    public string? RecipientCountry { get; init; }

    /// <summary>The recipient's contact (person, e-mail or address); optional.</summary>
    public string? RecipientContact { get; init; }

    /// <summary>The mechanism the record relies on.</summary>
    public required TransferMechanism Mechanism { get; init; }

    /// <summary>For <see cref="TransferMechanism.Exempt"/>: the exemption relied on (required then, absent otherwise).</summary>
    public ExemptBasis? ExemptBasis { get; init; }

    /// <summary>Source groups (config <c>SourceGroups[].Name</c>) whose traffic the record covers; <c>*</c> (the default) covers all.</summary>
    public IReadOnlyList<string> SourceGroups { get; init; } = ["*"];

    /// <summary>Whether sensitive personal information (identity documents, financial accounts) is permitted. Default false.</summary>
    public bool SensitiveIncluded { get; init; }

    /// <summary>The purpose of the transfer, as filed.</summary>
    public string? Purpose { get; init; }

    /// <summary>Stored life-cycle state (default Active). <see cref="AssessmentStatus.Expired"/> is never stored: see <see cref="StatusAt"/>.</summary>
    public AssessmentStatus Status { get; init; } = AssessmentStatus.Active;

    /// <summary>Who approved the record.</summary>
    public string? ApprovedBy { get; init; }

    /// <summary>When it was approved.</summary>
    public DateTimeOffset? ApprovedAt { get; init; }

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

    /// <summary>The status at <paramref name="now"/>: an Active record past its validity shows as Expired without anyone editing it.</summary>
    public AssessmentStatus StatusAt(DateTimeOffset now) =>
        Status == AssessmentStatus.Active && now >= CoversUntil ? AssessmentStatus.Expired : Status;

    /// <summary>Whether the record covers traffic from the source group <paramref name="group"/> (null: a client outside every group).</summary>
    public bool CoversSourceGroup(string? group)
    {
        var groups = SourceGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i] == "*" || (group is not null && string.Equals(groups[i], group, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

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
