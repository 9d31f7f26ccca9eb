namespace EgressGuard.Policy.Assessments;

/// <summary>
/// China Standard Time (Asia/Shanghai). China has kept UTC+8 without daylight saving since 1991, so
/// a fixed offset is exact for every date a record can carry and needs no tzdata on the box.
/// </summary>
public static class ChinaTime
{
    /// <summary>UTC+08:00.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>00:00 China time at the start of <paramref name="date"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The China calendar date of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);
}
