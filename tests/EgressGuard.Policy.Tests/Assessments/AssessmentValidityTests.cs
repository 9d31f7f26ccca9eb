using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Tests.Assessments;

public sealed class AssessmentValidityTests
{
    [Theory]
    [InlineData("2025-12-31T15:59:59.999Z", AssessmentValidity.NotYetValid)]
    [InlineData("2025-12-31T16:00:00.000Z", AssessmentValidity.Valid)]
    [InlineData("2026-01-01T00:00:00+08:00", AssessmentValidity.Valid)]
    [InlineData("2025-12-31T23:59:59+08:00", AssessmentValidity.NotYetValid)]
    [InlineData("2026-06-15T12:00:00Z", AssessmentValidity.Valid)]
    [InlineData("2026-12-31T15:59:59.999Z", AssessmentValidity.Valid)]
    [InlineData("2026-12-31T23:59:59.999+08:00", AssessmentValidity.Valid)]
    [InlineData("2026-12-31T16:00:00.000Z", AssessmentValidity.Expired)]
    [InlineData("2027-01-01T00:00:00+08:00", AssessmentValidity.Expired)]
    [InlineData("2026-12-31T12:00:00-08:00", AssessmentValidity.Expired)] // 20:00Z, already 2027-01-01 in China
    public void ValidityAt_InstantAroundTheWindow_CoversChinaCalendarDaysInclusive(string instant, AssessmentValidity expected)
    {
        var record = TestRecords.Create("R-1", "example.com", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));

        Assert.Equal(expected, record.ValidityAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void CoversFromAndUntil_OneYearRecord_AreChinaMidnightsInUtc()
    {
        var record = TestRecords.Create("R-1", "example.com", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));

        Assert.Equal(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero), record.CoversFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), record.CoversUntil);
    }

    [Fact]
    public void ValidityAt_SingleDayRecord_CoversExactly24ChinaHours()
    {
        var record = TestRecords.Create("R-1", "example.com", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1));
        var start = new DateTimeOffset(2026, 2, 28, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(AssessmentValidity.NotYetValid, record.ValidityAt(start.AddTicks(-1)));
        Assert.Equal(AssessmentValidity.Valid, record.ValidityAt(start));
        Assert.Equal(AssessmentValidity.Valid, record.ValidityAt(start.AddDays(1).AddTicks(-1)));
        Assert.Equal(AssessmentValidity.Expired, record.ValidityAt(start.AddDays(1)));
    }

    [Theory]
    [InlineData("2026-01-01T15:59:59Z", 2026, 1, 1)]
    [InlineData("2026-01-01T16:00:00Z", 2026, 1, 2)]
    [InlineData("2025-12-31T16:00:00Z", 2026, 1, 1)]
    [InlineData("2026-01-01T00:00:00-05:00", 2026, 1, 1)]
    public void DateOf_Instant_IsTheChinaCalendarDate(string instant, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), ChinaTime.DateOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
