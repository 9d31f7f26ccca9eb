namespace EgressGuard.Geo;

/// <summary>Facts about an opened country database; <see cref="BuildDate"/> goes into every transfer record.</summary>
/// <param name="Path">Full path of the file that was opened.</param>
/// <param name="DatabaseType">The <c>database_type</c> from the file's metadata, e.g. <c>GeoLite2-Country</c> or <c>country ipvAll</c>.</param>
/// <param name="Schema">How records are laid out, decided from <paramref name="DatabaseType"/>.</param>
/// <param name="BuildDate">When the database was built (<c>build_epoch</c>, UTC).</param>
/// <param name="FileSize">Size of the file in bytes.</param>
public sealed record GeoDatabaseInfo(string Path, string DatabaseType, GeoSchema Schema, DateTimeOffset BuildDate, long FileSize);
