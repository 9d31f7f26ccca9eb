namespace EgressGuard.Policy.Decisions;

/// <summary>
/// What content inspection found in a transfer, as the decision needs it: the personal-information
/// types present (distinct scanner type names), whether any is sensitive, and whether the content
/// was inspected at all. <c>default</c> means "not inspected" (an opaque tunnel).
/// </summary>
/// <param name="Inspected">The content was read and scanned (fully, or up to where the flow ended).</param>
/// <param name="PersonalTypes">Distinct personal-information types found; empty when none.</param>
/// <param name="Sensitive">At least one finding is sensitive personal information.</param>
public readonly record struct ContentFindings(bool Inspected, IReadOnlyList<string>? PersonalTypes, bool Sensitive)
{
    /// <summary>Inspected and nothing personal found.</summary>
    public static ContentFindings Clean { get; } = new(true, [], false);

    /// <summary>Whether personal information was found.</summary>
    public bool HasPersonalInformation => PersonalTypes is { Count: > 0 };
}
