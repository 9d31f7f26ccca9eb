using System.Diagnostics.CodeAnalysis;

namespace EgressGuard.Geo;

/// <summary>The outcome of <see cref="CountryDatabase.Open"/>: a database, or one line saying why not.</summary>
/// <param name="Database">The open database (the caller owns and disposes it), or <see langword="null"/> on failure.</param>
/// <param name="Error">
/// On failure, one line naming the file and what is wrong, e.g.
/// <c>geo database '/x/y.mmdb': corrupt search tree (…)</c>; <see langword="null"/> on success.
/// </param>
public readonly record struct GeoOpenResult(ICountryDatabase? Database, string? Error)
{
    /// <summary>Whether the database opened.</summary>
    [MemberNotNullWhen(true, nameof(Database))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Database is not null;
}
