namespace EgressGuard.Geo;

/// <summary>Where the country of an address came from.</summary>
public enum CountrySource
{
    /// <summary>Neither an override nor the database knows the address; the country is <see langword="null"/>.</summary>
    Unknown = 0,

    /// <summary>The country database.</summary>
    Database = 1,

    /// <summary>An administrator's <see cref="GeoOverride"/>, which wins over the database.</summary>
    Override = 2,
}
