using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>Source-generated log messages of the composition root (event ids 100–199).</summary>
internal static partial class ApplianceLog
{
    [LoggerMessage(100, LogLevel.Information, "EgressGuard started: proxy on {Endpoints}, mode {Mode}, data under {DataDirectory}")]
    public static partial void Started(ILogger logger, string endpoints, string mode, string dataDirectory);

    [LoggerMessage(101, LogLevel.Information, "Country database {Path} ({Type}, built {Build})")]
    public static partial void GeoDatabase(ILogger logger, string path, string type, string build);

    [LoggerMessage(102, LogLevel.Information, "Assessment records loaded from {Path}: {Count} (policy generation {Generation})")]
    public static partial void AssessmentsLoaded(ILogger logger, string path, int count, long generation);

    [LoggerMessage(103, LogLevel.Error, "Assessment file {Path} rejected; the previous records stay in force: {Error}")]
    public static partial void AssessmentsRejected(ILogger logger, string path, string error);

    [LoggerMessage(104, LogLevel.Warning, "Assessment file {Path} does not exist; no records are in force until it does")]
    public static partial void AssessmentsMissing(ILogger logger, string path);

    [LoggerMessage(105, LogLevel.Warning, "Assessment file {Path} disappeared; the previous records stay in force until a file is back")]
    public static partial void AssessmentsDisappeared(ILogger logger, string path);

    [LoggerMessage(160, LogLevel.Error, "Assessment changes could not be written to the ledger yet (retrying): {Error}")]
    public static partial void AssessmentAuditFailed(ILogger logger, string error);
}
