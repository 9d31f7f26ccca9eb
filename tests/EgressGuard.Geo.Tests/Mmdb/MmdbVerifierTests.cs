using System.Net;
using EgressGuard.Geo.Mmdb;
using EgressGuard.Tests.Common;
using static EgressGuard.Geo.Tests.Mmdb.MmdbImageWriter;

namespace EgressGuard.Geo.Tests.Mmdb;

/// <summary>
/// Open's verification on databases written byte by byte with exactly one defect each, as real
/// files in a temporary directory.
/// </summary>
public sealed class MmdbVerifierTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_SoundHandWrittenDatabase_OpensAndAnswers()
    {
        var image = TwoHalves(CountryCodeRecord("CN"), CountryCodeRecord("us"));

        using var database = AssertOpens(image);

        Assert.Equal("country ipv4", database.Info.DatabaseType);
        Assert.Equal(GeoSchema.CountryCode, database.Info.Schema);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), database.Info.BuildDate);
        Assert.Equal("CN", database.LookupCountry(IPAddress.Parse("1.2.3.4")));
        Assert.Equal("US", database.LookupCountry(IPAddress.Parse("200.1.1.1")));
        Assert.Equal("US", database.LookupCountry(IPAddress.Parse("::ffff:200.1.1.1")));
        Assert.Null(database.LookupCountry(IPAddress.Parse("2001:db8::1")));
        Assert.Equal(0, database.LookupErrors);
    }

    [Theory]
    [InlineData("CHN")]
    [InlineData("C")]
    [InlineData("")]
    [InlineData("1A")]
    [InlineData("中国")]
    public void LookupCountry_StoredValueNotTwoLetters_ReturnsNull(string stored)
    {
        using var database = AssertOpens(TwoHalves(CountryCodeRecord(stored), CountryCodeRecord("US")));

        Assert.Null(database.LookupCountry(IPAddress.Parse("1.2.3.4")));
        Assert.Equal(0, database.LookupErrors);
    }

    [Fact]
    public void LookupCountry_RecordWithoutCountryCode_ReturnsNull()
    {
        using var database = AssertOpens(TwoHalves(Map(("asn", Unsigned(4134))), CountryCodeRecord("US")));

        Assert.Null(database.LookupCountry(IPAddress.Parse("1.2.3.4")));
        Assert.Equal(0, database.LookupErrors);
    }

    [Fact]
    public void Open_RecordReachedThroughAnAlias_IsAccepted()
    {
        // Both halves of the root lead to node 1 — how IPv6 trees alias ::ffff:0:0/96 onto IPv4.
        var low = CountryCodeRecord("CN");
        var image = Image([1, 1, DataRecord(2, 0), DataRecord(2, low.Length)], [.. low, .. CountryCodeRecord("JP")]);

        using var database = AssertOpens(image);

        Assert.Equal("CN", database.LookupCountry(IPAddress.Parse("1.2.3.4")));
        Assert.Equal("JP", database.LookupCountry(IPAddress.Parse("200.1.1.1")));
        Assert.Equal("JP", database.LookupCountry(IPAddress.Parse("64.0.0.1")));
    }

    [Fact]
    public void Open_SharedValuesBehindPointers_AreAccepted()
    {
        // Record 2 reuses record 1's country string through a pointer, as MaxMind writers do.
        var first = Map(("country_code", String("CN")));
        var second = Map(("country_code", Pointer(first.Length - 3)));

        using var database = AssertOpens(TwoHalves(first, second));

        Assert.Equal("CN", database.LookupCountry(IPAddress.Parse("200.1.1.1")));
    }

    [Fact]
    public void Open_PathOfExactly32Nodes_IsAccepted()
    {
        using var database = AssertOpens(Chain(32));

        Assert.Equal("CN", database.LookupCountry(IPAddress.Parse("0.0.0.0")));
        Assert.Equal("CN", database.LookupCountry(IPAddress.Parse("0.0.0.1")));
    }

    [Theory]
    [MemberData(nameof(DataDefects))]
    public void Open_DataSectionDefect_IsRefused(string name, byte[] low, string expected)
    {
        _ = name;
        var error = AssertRefused(TwoHalves(low, CountryCodeRecord("US")));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], string> DataDefects()
    {
        var nested = CountryCodeRecord("CN");
        for (var i = 0; i < MmdbDataSection.MaxDepth; i++)
        {
            nested = Array(nested);
        }

        return new TheoryData<string, byte[], string>
        {
            { "record contains itself", Map(("country_code", String("CN")), ("self", Pointer(0))), "corrupt data section (cyclic data structure: the value at offset 0 contains itself)" },
            { "pointer to pointer", [.. Map(("country_code", Pointer(16))), .. Pointer(0)], "pointer at offset 14 points to another pointer at offset 16" },
            { "pointer past end", Map(("country_code", Pointer(60_000))), "past the end of the section" },
            { "nested too deep", Map(("country_code", String("CN")), ("deep", nested)), $"nests containers more than {MmdbDataSection.MaxDepth} deep" },
            { "invalid UTF-8", Map(("country_code", StringBytes([0xFF, 0xFE]))), "is not valid UTF-8" },
            { "non-string key", [.. Header(7, 1), .. Unsigned(1), .. String("CN")], "map key at offset 1 is a uint32, not a string" },
            { "double of 5 bytes", Map(("country_code", String("CN")), ("latitude", Double(1.5, 5))), "is 5 bytes long (must be 8)" },
            { "uint32 of 5 bytes", Map(("country_code", String("CN")), ("asn", [.. Header(6, 5), 1, 2, 3, 4, 5])), "is 5 bytes long (at most 4)" },
            { "boolean value 2", Map(("country_code", String("CN")), ("flag", Header(14, 2))), "boolean at offset" },
            { "end marker in record", Map(("country_code", String("CN")), ("end", Header(13, 0))), "an end marker at offset" },
            { "record is a string", String("CN"), "record at offset 0 is a string, not a map" },
            { "string cut off", [.. Header(7, 1), .. String("country_code"), .. Header(2, 40)], "runs past the end of the section" },
        };
    }

    [Fact]
    public void Open_TwoRecordsPointingAtEachOther_IsRefusedAsCyclic()
    {
        // A = {"next": → B}, B = {"next": → A}
        var a = Map(("next", Pointer(0)));
        var b = Map(("next", Pointer(0)));
        a = Map(("next", Pointer(a.Length)));
        var data = (byte[])[.. a, .. b];

        var error = AssertRefused(Image([DataRecord(1, 0), DataRecord(1, a.Length)], data));

        Assert.Contains("cyclic data structure", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CountryCodeOfWrongType_IsRefusedAsNotFittingTheSchema()
    {
        var error = AssertRefused(TwoHalves(Map(("country_code", Unsigned(86))), CountryCodeRecord("US")));

        Assert.Contains("record at data offset 0 (reached by 0.0.0.0) does not fit the country_code schema", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NodePointingBackToItself_IsRefused()
    {
        var error = AssertRefused(Image([0, DataRecord(1, 0)], CountryCodeRecord("CN")));

        Assert.Contains("corrupt search tree (node 0 is its own descendant", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TwoNodeLoop_IsRefused()
    {
        var error = AssertRefused(Image([1, DataRecord(2, 0), 0, DataRecord(2, 0)], CountryCodeRecord("CN")));

        Assert.Contains("corrupt search tree (node 0 is its own descendant (a record of node 1 points back to it))", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PathLongerThanTheAddress_IsRefused()
    {
        var error = AssertRefused(Chain(33));

        Assert.Contains("deeper than a 32-bit address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AliasThatMakesAPathTooLong_IsRefused()
    {
        // Root: left → X (a 20-node chain), right → a 15-node chain that ends in X: 1 + 15 + 20 > 32.
        const uint NodeCount = 36;
        var data = CountryCodeRecord("CN");
        var records = new uint[NodeCount * 2];
        var leaf = DataRecord(NodeCount, 0);
        records[0] = 1;
        records[1] = 21;
        for (uint node = 1; node <= 35; node++)
        {
            records[node * 2] = node is 20 ? leaf : node is 35 ? 1 : node + 1;
            records[(node * 2) + 1] = leaf;
        }

        var error = AssertRefused(Image(records, data));

        Assert.Contains("through node 35 to node 1 is deeper than a 32-bit address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RecordPointingIntoTheSeparator_IsRefused()
    {
        var error = AssertRefused(Image([1 + 5, DataRecord(1, 0)], CountryCodeRecord("CN")));

        Assert.Contains("corrupt search tree (left record of node 0 (6) points into the data section separator)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RecordPointingPastTheData_IsRefused()
    {
        var data = CountryCodeRecord("CN");

        var error = AssertRefused(Image([DataRecord(1, 0), DataRecord(1, data.Length)], data));

        Assert.Contains($"right record of node 0 points to data offset {data.Length}, past the end of the data section ({data.Length} bytes)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnreachableNode_IsRefused()
    {
        var error = AssertRefused(Image([DataRecord(2, 0), DataRecord(2, 0), DataRecord(2, 0), DataRecord(2, 0)], CountryCodeRecord("CN")));

        Assert.Contains("corrupt search tree (1 of 2 nodes are not reachable from the root", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NonZeroSeparator_IsRefused()
    {
        var image = TwoHalves(CountryCodeRecord("CN"), CountryCodeRecord("US"));
        image[6 + 7] = 1;

        var error = AssertRefused(image);

        Assert.Contains("corrupt data section separator (the 16 bytes after the search tree, at byte 6, are not all zero", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("record_size", "20", "'record_size' is 20 (must be 24, 28 or 32)")]
    [InlineData("ip_version", "5", "'ip_version' is 5 (must be 4 or 6)")]
    [InlineData("binary_format_major_version", "3", "binary format version 3.0 is not supported")]
    [InlineData("node_count", "0", "'node_count' is 0")]
    [InlineData("node_count", "1000", "corrupt search tree (node_count 1000 at 24 bits per record needs 6016 bytes")]
    [InlineData("build_epoch", "18446744073709551615", "'build_epoch' is 18446744073709551615, beyond any representable date")]
    [InlineData("node_count", null, "'node_count' is missing")]
    [InlineData("database_type", null, "'database_type' is missing")]
    [InlineData("build_epoch", null, "'build_epoch' is missing")]
    public void Open_BadMetadataValue_IsRefused(string key, string? value, string expected)
    {
        var metadata = Metadata(1);
        if (value is null)
        {
            metadata.Remove(key);
        }
        else
        {
            metadata[key] = Unsigned(ulong.Parse(value, System.Globalization.CultureInfo.InvariantCulture), key is "build_epoch" ? 9 : 6);
        }

        var error = AssertRefused(TwoHalves(CountryCodeRecord("CN"), CountryCodeRecord("US"), metadata));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("languages", "'languages' is a bytes value, not an array")]
    [InlineData("description", "'description' is a bytes value, not a map")]
    [InlineData("database_type", "'database_type': expected a string, found a bytes value")]
    [InlineData("node_count", "'node_count' is a bytes value, not an unsigned integer")]
    public void Open_MetadataValueOfWrongType_IsRefused(string key, string expected)
    {
        var metadata = Metadata(1);
        metadata[key] = [.. Header(4, 2), 1, 2];

        var error = AssertRefused(TwoHalves(CountryCodeRecord("CN"), CountryCodeRecord("US"), metadata));

        Assert.Contains($"corrupt metadata ({expected})", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MetadataContainingItself_IsRefusedAsCyclic()
    {
        var metadata = Metadata(1);
        metadata["loop"] = Pointer(0);

        var error = AssertRefused(TwoHalves(CountryCodeRecord("CN"), CountryCodeRecord("US"), metadata));

        Assert.Contains("corrupt metadata (cyclic data structure: the value at offset 0 contains itself)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerify_SoundImage_ListsEachDistinctRecordWithAnAddressReachingIt()
    {
        var low = CountryCodeRecord("CN");
        var image = Image([1, DataRecord(2, low.Length), DataRecord(2, 0), DataRecord(2, low.Length)], [.. low, .. CountryCodeRecord("US")]);

        Assert.True(MmdbVerifier.TryVerify(image, out var verification, out var error), error);

        var probes = verification.Records.OrderBy(static r => r.DataOffset).Select(static r => (r.DataOffset, r.ToIPAddress(4).ToString())).ToArray();
        Assert.Equal([(0, "0.0.0.0"), (low.Length, "64.0.0.0")], probes);
        Assert.Equal(2u, verification.Metadata.NodeCount);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    [InlineData("GeoLite2-ASN-Test.mmdb")]
    public void TryVerify_MaxMindTestDatabase_FindsEveryRecordFindAllFinds(string file)
    {
        var path = GeoTestFiles.GeoIP(file);

        Assert.True(MmdbVerifier.TryVerify(File.ReadAllBytes(path), out var verification, out var error), error);

        // MaxMind's own iterator, as an independent count of distinct records.
        using var reader = new MaxMind.Db.Reader(path, MaxMind.Db.FileAccessMode.Memory);
        var distinct = reader.FindAll<Dictionary<string, object>>().Select(static n => n.Data).Distinct().Count();
        Assert.Equal(distinct, verification.Records.Count);
    }

    // A chain of nodeCount nodes: each node's left record is the next node, the last node's left
    // and every right record lead to one record, so the deepest path has nodeCount nodes.
    private static byte[] Chain(uint nodeCount)
    {
        var records = new uint[nodeCount * 2];
        var leaf = DataRecord(nodeCount, 0);
        for (uint node = 0; node < nodeCount; node++)
        {
            records[node * 2] = node + 1 < nodeCount ? node + 1 : leaf;
            records[(node * 2) + 1] = leaf;
        }

        return Image(records, CountryCodeRecord("CN"));
    }

    private ICountryDatabase AssertOpens(byte[] image)
    {
        var path = _directory.File($"{Guid.NewGuid():N}.mmdb");
        File.WriteAllBytes(path, image);
        var result = CountryDatabase.Open(path);
        Assert.True(result.Succeeded, result.Error);
        return result.Database;
    }

    private string AssertRefused(byte[] image)
    {
        var path = _directory.File($"{Guid.NewGuid():N}.mmdb");
        File.WriteAllBytes(path, image);
        GeoOpenResult result = default;

        var thrown = Record.Exception(() => result = CountryDatabase.Open(path));

        Assert.Null(thrown);
        Assert.False(result.Succeeded);
        Assert.StartsWith($"geo database '{path}': ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Error);
        return result.Error;
    }
}
