namespace EgressGuard.Policy.Assessments;

/// <summary>How a destination pattern in an assessment record matches.</summary>
public enum DestinationPatternKind
{
    /// <summary><c>api.example.com</c>: exactly this host (case-insensitive, trailing dot ignored).</summary>
    Host,

    /// <summary><c>*.example.com</c>: any host below <c>example.com</c>, not <c>example.com</c> itself.</summary>
    Suffix,

    /// <summary><c>203.0.113.0/24</c>: the dialled IP address is in this network.</summary>
    Network,

    /// <summary><c>country:US</c>: the dialled IP address geo-resolves to this country.</summary>
    Country,
}
