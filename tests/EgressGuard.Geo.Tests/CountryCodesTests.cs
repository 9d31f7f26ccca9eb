namespace EgressGuard.Geo.Tests;

public sealed class CountryCodesTests
{
    [Theory]
    [InlineData("CN", "CN")]
    [InlineData("cn", "CN")]
    [InlineData("zZ", "ZZ")]
    [InlineData("AA", "AA")]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("C", null)]
    [InlineData("CHN", null)]
    [InlineData("C ", null)]
    [InlineData("@A", null)]
    [InlineData("[A", null)]
    [InlineData("`a", null)]
    [InlineData("{a", null)]
    [InlineData("1A", null)]
    [InlineData("ÇN", null)]
    [InlineData("ＣＮ", null)]
    public void Normalize_Value_IsUpperCaseTwoLetterCodeOrNull(string? value, string? expected)
    {
        var normalized = CountryCodes.Normalize(value);

        Assert.Equal(expected, normalized);
        if (expected is not null)
        {
            Assert.Same(string.IsInterned(expected), normalized);
        }
    }

    [Fact]
    public void IndexOf_EveryCode_RoundTripsThroughAt()
    {
        for (var first = 'A'; first <= 'Z'; first++)
        {
            for (var second = 'A'; second <= 'Z'; second++)
            {
                var code = new string([first, second]);
                Assert.Equal(code, CountryCodes.At(CountryCodes.IndexOf(code)));
            }
        }
    }
}
