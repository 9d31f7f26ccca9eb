using System.Net;
using EgressGuard.Tests.Common;

namespace EgressGuard.Geo.Tests.Mmdb;

/// <summary>
/// Seeded random corruption of real databases: whatever the damage, Open returns a result instead
/// of throwing, hanging or overflowing the stack, and a database that does open answers every
/// lookup without a lookup error.
/// </summary>
public sealed class MutatedDatabaseTests : IDisposable
{
    private const int MutationsPerFile = 150;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb", 1)]
    [InlineData("GeoLite2-City-Test.mmdb", 2)]
    [InlineData("GeoIP2-City-Test.mmdb", 3)]
    public void Open_RandomlyCorruptedDatabase_NeverThrowsAndOpenedOnesNeverFailALookup(string file, int seed)
    {
        var original = File.ReadAllBytes(GeoTestFiles.GeoIP(file));
        var random = new Random(seed);
        var probes = new List<IPAddress>();
        for (var i = 0; i < 64; i++)
        {
            var bytes = new byte[i % 2 == 0 ? 4 : 16];
            random.NextBytes(bytes);
            probes.Add(new IPAddress(bytes));
        }

        probes.AddRange(new[] { "81.2.69.142", "175.16.199.1", "2001:250::1", "2001:2e0::1", "214.1.1.1", "::ffff:89.160.20.113" }.Select(IPAddress.Parse));
        var opened = 0;
        for (var mutation = 0; mutation < MutationsPerFile; mutation++)
        {
            var image = (byte[])original.Clone();
            var flips = 1 + random.Next(4);
            for (var i = 0; i < flips; i++)
            {
                image[random.Next(image.Length)] = (byte)random.Next(256);
            }

            var path = _directory.File($"{mutation}.mmdb");
            File.WriteAllBytes(path, image);

            var result = CountryDatabase.Open(path);

            if (!result.Succeeded)
            {
                Assert.StartsWith($"geo database '{path}': ", result.Error, StringComparison.Ordinal);
                continue;
            }

            opened++;
            using var database = result.Database;
            foreach (var address in probes)
            {
                var country = database.LookupCountry(address);
                Assert.True(country is null || (country.Length == 2 && char.IsAsciiLetterUpper(country[0]) && char.IsAsciiLetterUpper(country[1])), country);
            }

            Assert.Equal(0, database.LookupErrors);
        }

        // Most single-byte damage lands in names and other payload bytes and leaves a valid file.
        Assert.InRange(opened, 1, MutationsPerFile - 1);
    }
}
