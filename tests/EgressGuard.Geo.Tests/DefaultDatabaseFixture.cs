namespace EgressGuard.Geo.Tests;

/// <summary>Opens the 7.8 MB default database once for a test class (Open walks the whole file).</summary>
public sealed class DefaultDatabaseFixture : IDisposable
{
    private readonly GeoOpenResult _result;

    /// <summary>Opens the database if it is present; tests report its absence through <see cref="Database"/>.</summary>
    public DefaultDatabaseFixture()
    {
        if (File.Exists(GeoTestFiles.DefaultDatabasePath))
        {
            _result = CountryDatabase.Open(GeoTestFiles.DefaultDatabasePath);
        }
    }

    /// <summary>The open default database; fails the test if it is missing or did not open.</summary>
    public ICountryDatabase Database
    {
        get
        {
            _ = GeoTestFiles.RequireDefaultDatabase();
            Assert.True(_result.Succeeded, _result.Error);
            return _result.Database;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _result.Database?.Dispose();
}
