using System.Globalization;
using EgressGuard.Ledger.Storage;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.Configuration;

/// <summary>Reads and validates the <c>Ledger</c> section into <see cref="LedgerOptions"/> (every key in <c>config/README.md</c>).</summary>
internal static class LedgerConfig
{
    internal static readonly string[] Keys = ["Origin", "Sync", "CheckpointInterval", "Retention", "FailMode", "QueueCapacity", "MaxQueueWait", "Sinks"];

    public static LedgerOptions Read(IConfigurationSection section, string dataDirectory, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (Array.IndexOf(Keys, child.Key) < 0)
            {
                errors.Add($"Ledger:{child.Key}: unknown setting (known here: {string.Join(", ", Keys)})");
            }
        }

        var defaults = new LedgerOptions { DataDirectory = dataDirectory };
        var options = defaults with
        {
            Origin = section["Origin"] is { Length: > 0 } origin ? origin : DefaultOrigin(),
            Sync = ReadEnum(section, "Sync", defaults.Sync, errors),
            FailMode = ReadEnum(section, "FailMode", defaults.FailMode, errors),
            CheckpointInterval = ReadDuration(section, "CheckpointInterval", defaults.CheckpointInterval, errors),
            Retention = ReadDuration(section, "Retention", defaults.Retention, errors),
            MaxQueueWait = ReadDuration(section, "MaxQueueWait", defaults.MaxQueueWait, errors),
            QueueCapacity = section["QueueCapacity"] is { } q
                ? int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out var capacity) ? capacity : Invalid(errors, "QueueCapacity", q, "a whole number")
                : defaults.QueueCapacity,
        };
        errors.AddRange(options.Validate());
        return options;
    }

    /// <summary>The default origin: <c>egressguard/&lt;host name&gt;</c>, spaces and '+' replaced.</summary>
    public static string DefaultOrigin() =>
        "egressguard/" + Environment.MachineName.Replace(' ', '-').Replace('+', '-').ToLowerInvariant();

    private static int Invalid(List<string> errors, string key, string text, string what)
    {
        errors.Add($"Ledger:{key}: '{text}' is not {what}");
        return new LedgerOptions { DataDirectory = "." }.QueueCapacity;
    }

    private static T ReadEnum<T>(IConfigurationSection section, string key, T fallback, List<string> errors)
        where T : struct, Enum
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text[0]))
        {
            return value;
        }

        errors.Add($"Ledger:{key}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}");
        return fallback;
    }

    private static TimeSpan ReadDuration(IConfigurationSection section, string key, TimeSpan fallback, List<string> errors)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (ConfigLoader.TryParseDuration(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        errors.Add($"Ledger:{key}: '{text}' is not a duration (e.g. 30s, 1m, 730d)");
        return fallback;
    }
}
