namespace EgressGuard.Geo;

/// <summary>The country of one address and where it came from.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 code, upper case, or <see langword="null"/> when unknown.</param>
/// <param name="Source">Where <paramref name="Country"/> came from; <see cref="CountrySource.Unknown"/> exactly when it is <see langword="null"/>.</param>
public readonly record struct CountryLookup(string? Country, CountrySource Source);
