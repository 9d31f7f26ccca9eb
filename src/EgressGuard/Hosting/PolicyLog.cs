using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>Source-generated log messages of the policy reload, registry import and volume alerts (event ids 150–179).</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(150, LogLevel.Information, "Policy snapshot {Generation} published ({Why}): {Records} assessment records, {Groups} source groups")]
    public static partial void Published(ILogger logger, long generation, string why, int records, int groups);

    [LoggerMessage(151, LogLevel.Error, "Config file {Path} change rejected; the running policy stays: {Error}")]
    public static partial void ConfigRejected(ILogger logger, string path, string error);

    [LoggerMessage(152, LogLevel.Information, "Assessment file {Path} imported into the registry: {Added} added, {Changed} changed, {Unchanged} unchanged")]
    public static partial void Imported(ILogger logger, string path, int added, int changed, int unchanged);

    [LoggerMessage(153, LogLevel.Warning, "Volume alert: {Count} {Tally} individuals this year reached 80% of the {Threshold} threshold")]
    public static partial void VolumeAlert(ILogger logger, long count, string tally, long threshold);
}
