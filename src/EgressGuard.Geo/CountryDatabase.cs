using System.Diagnostics.CodeAnalysis;
using EgressGuard.Geo.Databases;
using EgressGuard.Geo.Mmdb;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace EgressGuard.Geo;

/// <summary>Opens mmdb country databases.</summary>
public static class CountryDatabase
{
    // Far above any country or city database (GeoIP2-City is ~100 MB), and it keeps every offset an int.
    private const long MaxFileSize = 1L << 30;

    /// <summary>
    /// Reads the whole file at <paramref name="path"/> into memory, verifies all of it (metadata,
    /// every search-tree node, every data record the tree reaches), decides the schema from the
    /// metadata <c>database_type</c>, and opens the matching MaxMind reader over the verified bytes.
    /// Never throws for bad input: a missing, unreadable, empty, corrupt or unsupported file gives a
    /// failed result whose <see cref="GeoOpenResult.Error"/> names the file and the problem.
    /// </summary>
    /// <param name="path">Path of the <c>.mmdb</c> file.</param>
    public static GeoOpenResult Open(string path)
    {
        try
        {
            return OpenVerified(path);
        }
        catch (Exception ex)
        {
            // Last line of the never-throw contract: the readers' own exceptions, or something
            // nobody foresaw. Expected problems are reported without reaching here.
            return Failed(path, $"cannot be opened ({OneLine(ex.Message)})");
        }
    }

    private static GeoOpenResult OpenVerified(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return new GeoOpenResult(null, "geo database path is empty");
        }

        if (!TryReadImage(path, out var image, out var problem)
            || !MmdbVerifier.TryVerify(image, out var verification, out problem)
            || !DatabaseKinds.TryClassify(verification.Metadata.DatabaseType, out var kind, out problem))
        {
            return Failed(path, problem);
        }

        var metadata = verification.Metadata;
        var info = new GeoDatabaseInfo(
            Path.GetFullPath(path),
            metadata.DatabaseType,
            kind == DatabaseKind.CountryCode ? GeoSchema.CountryCode : GeoSchema.GeoIP2,
            metadata.BuildDate,
            image.LongLength);
        var ipv4Only = metadata.IPVersion == 4;

        MmdbCountryDatabase database;
        try
        {
            // The readers copy the stream into an anonymous private mapping (their "Memory" mode),
            // so the bytes served are exactly the bytes verified, whatever later happens to the file.
            using var stream = new MemoryStream(image, writable: false);
            database = kind == DatabaseKind.CountryCode
                ? new CountryCodeDatabase(info, new Reader(stream), ipv4Only)
                : new GeoIP2CountryDatabase(info, new DatabaseReader(stream), kind == DatabaseKind.GeoIP2City, ipv4Only);
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or DeserializationException)
        {
            return Failed(path, $"rejected by the MaxMind reader ({OneLine(ex.Message)})");
        }

        // The verifier proved every record is well-formed MaxMind DB data; decoding each distinct
        // record once through the real reader proves it also fits the schema (a country_code that
        // is a number, a GeoIP2 field of the wrong type), so lookups cannot fail later.
        foreach (var record in verification.Records)
        {
            var address = record.ToIPAddress(metadata.IPVersion);
            if (!database.TryDecodeRecord(address, out problem))
            {
                database.Dispose();
                return Failed(path, $"record at data offset {record.DataOffset} (reached by {address}) does not fit the {DescribeSchema(kind)} schema ({OneLine(problem)})");
            }
        }

        return new GeoOpenResult(database, null);
    }

    private static string DescribeSchema(DatabaseKind kind) => kind switch
    {
        DatabaseKind.GeoIP2City => "GeoIP2 City",
        DatabaseKind.GeoIP2Country => "GeoIP2 Country",
        _ => "country_code",
    };

    private static bool TryReadImage(string path, [NotNullWhen(true)] out byte[]? image, [NotNullWhen(false)] out string? problem)
    {
        image = null;
        if (Directory.Exists(path))
        {
            problem = "is a directory, not a database file";
            return false;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0);
            var length = file.Length;
            if (length == 0)
            {
                problem = "is empty (0 bytes)";
                return false;
            }

            if (length > MaxFileSize)
            {
                problem = $"is too large ({length} bytes; the limit is {MaxFileSize} bytes)";
                return false;
            }

            image = GC.AllocateUninitializedArray<byte>((int)length);
            file.ReadExactly(image);
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = "not found";
        }
        catch (UnauthorizedAccessException)
        {
            problem = "cannot be read (permission denied)";
        }
        catch (EndOfStreamException)
        {
            problem = "cannot be read (the file shrank while it was being read)";
        }
        catch (IOException ex)
        {
            problem = $"cannot be read ({OneLine(ex.Message)})";
        }

        image = null;
        return false;
    }

    private static GeoOpenResult Failed(string? path, string problem) =>
        new(null, $"geo database '{OneLine(path ?? string.Empty)}': {problem}");

    // Error results are single lines (they go to logs and CLI output); paths and reader messages
    // may carry control characters.
    private static string OneLine(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
}
