using Microsoft.Extensions.Logging;

namespace EgressGuard.WebConsole;

/// <summary>The console's log lines (event ids 2000–2099).</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(2000, LogLevel.Warning, "API call refused (401) from {Remote}: {Method} {Path}: {Problem}")]
    public static partial void Unauthenticated(ILogger logger, string remote, string method, string path, string problem);

    [LoggerMessage(2001, LogLevel.Warning, "API call refused (403): key {Key} (role {Role}) tried {Method} {Path}")]
    public static partial void Forbidden(ILogger logger, string key, string role, string method, string path);

    [LoggerMessage(2002, LogLevel.Information, "Console API listening on {Endpoints} with {Keys} API key(s)")]
    public static partial void Listening(ILogger logger, string endpoints, int keys);

    [LoggerMessage(2003, LogLevel.Information, "Assessment {Id} {Action} by API key {Key} (version {Version})")]
    public static partial void AssessmentChanged(ILogger logger, string id, string action, string key, int version);
}
