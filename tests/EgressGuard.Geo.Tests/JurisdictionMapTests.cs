namespace EgressGuard.Geo.Tests;

public sealed class JurisdictionMapTests
{
    [Theory]
    [InlineData("CN", false)]
    [InlineData("cn", false)]
    [InlineData("HK", true)]
    [InlineData("MO", true)]
    [InlineData("TW", true)]
    [InlineData("US", true)]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("CHN", true)]
    public void IsOutbound_ChinaHome_OnlyChinaIsNotOutbound(string? country, bool outbound)
    {
        var errors = new List<string>();
        var map = JurisdictionMap.Create(["CN"], errors);

        Assert.Empty(errors);
        Assert.Equal(outbound, map.IsOutbound(country));
    }

    [Fact]
    public void Create_LowerCaseAndDuplicates_StoresDistinctUpperCase()
    {
        var errors = new List<string>();

        var map = JurisdictionMap.Create(["cn", "CN", "Cn", "sg"], errors);

        Assert.Empty(errors);
        Assert.Equal(["CN", "SG"], map.Home);
        Assert.False(map.IsOutbound("SG"));
    }

    [Theory]
    [InlineData("HK", "Hong Kong")]
    [InlineData("mo", "Macao")]
    [InlineData("TW", "Taiwan")]
    public void Create_HongKongMacaoOrTaiwanAsHome_IsAnErrorSayingWhy(string entry, string place)
    {
        var errors = new List<string>();

        var map = JurisdictionMap.Create(["CN", entry], errors);

        var error = Assert.Single(errors);
        Assert.StartsWith($"HomeJurisdictions[1]: '{entry}' cannot be a home jurisdiction", error, StringComparison.Ordinal);
        Assert.Contains(place, error, StringComparison.Ordinal);
        Assert.Contains("outbound", error, StringComparison.Ordinal);
        Assert.True(map.IsOutbound(entry.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("CHN")]
    [InlineData("C")]
    [InlineData("")]
    [InlineData(" CN")]
    [InlineData("C1")]
    [InlineData("中国")]
    public void Create_InvalidCode_IsAnErrorWithItsIndex(string entry)
    {
        var errors = new List<string>();

        JurisdictionMap.Create(["CN", entry], errors);

        var error = Assert.Single(errors);
        Assert.Equal($"HomeJurisdictions[1]: '{entry}' is not an ISO 3166-1 alpha-2 country code (two letters, such as \"CN\")", error);
    }

    [Fact]
    public void Create_SeveralProblems_ReportsEveryOne()
    {
        var errors = new List<string>();

        var map = JurisdictionMap.Create(["CHN", "CN", null!, "HK", "1"], errors);

        Assert.Equal(4, errors.Count);
        Assert.StartsWith("HomeJurisdictions[0]: 'CHN'", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("HomeJurisdictions[2]: is null", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("HomeJurisdictions[3]: 'HK' cannot be a home jurisdiction", errors[2], StringComparison.Ordinal);
        Assert.StartsWith("HomeJurisdictions[4]: '1'", errors[3], StringComparison.Ordinal);
        Assert.Equal(["CN"], map.Home);
    }

    [Fact]
    public void Create_EmptyList_IsAnErrorAndEverythingIsOutbound()
    {
        var errors = new List<string>();

        var map = JurisdictionMap.Create([], errors);

        Assert.Equal(["HomeJurisdictions: at least one home jurisdiction is required (e.g. \"CN\")"], errors);
        Assert.Empty(map.Home);
        Assert.True(map.IsOutbound("CN"));
    }

    [Fact]
    public void Create_ExistingErrors_AreKept()
    {
        var errors = new List<string> { "Listeners[0]: something else" };

        JurisdictionMap.Create(["XXX"], errors);

        Assert.Equal(2, errors.Count);
        Assert.Equal("Listeners[0]: something else", errors[0]);
    }

    [Fact]
    public void IsOutbound_Repeated_DoesNotAllocate()
    {
        var map = JurisdictionMap.Create(["CN"], new List<string>());
        string?[] countries = ["CN", "US", null, "hk", "XYZ"];
        _ = map.IsOutbound("CN");

        var outbound = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            outbound += map.IsOutbound(countries[i % countries.Length]) ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(800, outbound);
        Assert.Equal(0, allocated);
    }
}
