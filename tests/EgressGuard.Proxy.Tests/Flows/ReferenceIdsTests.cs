using EgressGuard.Proxy.Flows;

namespace EgressGuard.Proxy.Tests.Flows;

public sealed class ReferenceIdsTests
{
    [Fact]
    public void NewVersion7_ManyIds_AreUniqueVersion7WithTheTimestampOfGuidCreateVersion7()
    {
        var time = new DateTimeOffset(2026, 11, 25, 18, 0, 0, 123, TimeSpan.Zero);
        var reference = Guid.CreateVersion7(time).ToString("D");
        var seen = new HashSet<Guid>();
        for (var i = 0; i < 1000; i++)
        {
            var id = ReferenceIds.NewVersion7(time);
            Assert.True(seen.Add(id));
            Assert.Equal(7, id.Version);
            Assert.Equal(0x8, id.Variant & 0xC); // RFC 9562 variant 10xx
            // The first 48 bits are the Unix milliseconds, as in the runtime's own UUIDv7.
            Assert.Equal(reference[..13], id.ToString("D")[..13]);
        }
    }

    [Fact]
    public void NewVersion7_LaterTime_SortsAfter()
    {
        var earlier = ReferenceIds.NewVersion7(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var later = ReferenceIds.NewVersion7(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_001));

        Assert.True(string.CompareOrdinal(earlier.ToString("N"), later.ToString("N")) < 0);
    }
}
