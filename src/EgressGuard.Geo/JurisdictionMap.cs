namespace EgressGuard.Geo;

/// <summary>
/// Which countries are home and which are outbound. A transfer is outbound (cross-border) when the
/// destination's country is not a home jurisdiction, or is unknown. Hong Kong, Macao and Taiwan can
/// never be home: transfers there are cross-border under China's 2024 cross-border data provisions.
/// Immutable; <see cref="IsOutbound"/> is allocation-free and lock-free.
/// </summary>
public sealed class JurisdictionMap
{
    private static readonly string[] NeverHome = ["HK", "MO", "TW"];

    // Indexed by CountryCodes.IndexOf: one flag per possible two-letter code.
    private readonly bool[] _isHome;

    private JurisdictionMap(string[] home, bool[] isHome)
    {
        Home = home;
        _isHome = isHome;
    }

    /// <summary>The home jurisdictions: distinct upper-case ISO 3166-1 alpha-2 codes in the order listed.</summary>
    public IReadOnlyList<string> Home { get; }

    /// <summary>
    /// Validates <paramref name="homeJurisdictions"/> and builds the map. Each entry must be two ASCII
    /// letters (any case; stored upper case; duplicates are fine) and must not be HK, MO or TW; the
    /// list must not be empty. Every problem is appended to <paramref name="errors"/> as one line,
    /// <c>HomeJurisdictions[i]: …</c> (or <c>HomeJurisdictions: …</c> for the list as a whole).
    /// When errors were added the map holds only the valid entries and should not be used.
    /// </summary>
    /// <param name="homeJurisdictions">The configured home jurisdictions, e.g. <c>["CN"]</c>.</param>
    /// <param name="errors">Receives one message per problem found.</param>
    public static JurisdictionMap Create(IReadOnlyList<string> homeJurisdictions, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var home = new List<string>();
        var isHome = new bool[CountryCodes.Count];
        if (homeJurisdictions is null || homeJurisdictions.Count == 0)
        {
            errors.Add("HomeJurisdictions: at least one home jurisdiction is required (e.g. \"CN\")");
            return new JurisdictionMap([], isHome);
        }

        for (var i = 0; i < homeJurisdictions.Count; i++)
        {
            var entry = homeJurisdictions[i];
            var index = entry is null ? -1 : CountryCodes.IndexOf(entry);
            if (index < 0)
            {
                errors.Add(entry is null
                    ? $"HomeJurisdictions[{i}]: is null; expected an ISO 3166-1 alpha-2 country code such as \"CN\""
                    : $"HomeJurisdictions[{i}]: '{entry}' is not an ISO 3166-1 alpha-2 country code (two letters, such as \"CN\")");
                continue;
            }

            var code = CountryCodes.At(index);
            if (Array.IndexOf(NeverHome, code) >= 0)
            {
                errors.Add($"HomeJurisdictions[{i}]: '{entry}' cannot be a home jurisdiction: Hong Kong (HK), Macao (MO) and Taiwan (TW) are always outbound (cross-border) destinations under China's 2024 cross-border data provisions");
                continue;
            }

            if (!isHome[index])
            {
                isHome[index] = true;
                home.Add(code);
            }
        }

        return new JurisdictionMap([.. home], isHome);
    }

    /// <summary>
    /// Whether a transfer to <paramref name="country"/> is outbound: <see langword="true"/> when the
    /// country is unknown (<see langword="null"/> or not a two-letter code) or not a home
    /// jurisdiction. Case-insensitive.
    /// </summary>
    public bool IsOutbound(string? country)
    {
        if (country is null)
        {
            return true;
        }

        var index = CountryCodes.IndexOf(country);
        return index < 0 || !_isHome[index];
    }
}
