using System.Globalization;
using System.Net;
using EgressGuard.Policy.Networks;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Policy.Volume;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.Configuration;

/// <summary>Reads the policy sections (<c>SourceGroups</c>, <c>Policy:Thresholds</c>), listing every error the way <see cref="ConfigLoader"/> does.</summary>
public static class PolicyConfigReader
{
    internal static readonly string[] SourceGroupKeys = ["Name", "Networks", "Mode", "MlpsLevel", "Uninspected", "Tls"];
    internal static readonly string[] PolicyKeys = ["Thresholds"];
    internal static readonly string[] ThresholdKeys = ["StandardContract", "SecurityAssessment", "SensitiveSecurityAssessment"];

    /// <summary>Reads <c>SourceGroups</c>.</summary>
    public static IReadOnlyList<SourceGroup> ReadSourceGroups(IConfiguration configuration, List<string> errors)
    {
        var groups = new List<SourceGroup>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in configuration.GetSection("SourceGroups").GetChildren())
        {
            var key = $"SourceGroups:{index++}";
            var before = errors.Count;
            foreach (var child in item.GetChildren())
            {
                if (Array.FindIndex(SourceGroupKeys, k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase)) < 0)
                {
                    errors.Add($"{key}:{child.Key}: unknown setting (known here: {string.Join(", ", SourceGroupKeys)})");
                }
            }

            var name = item["Name"]?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 64 || name == "*" || name.Any(char.IsControl))
            {
                errors.Add($"{key}:Name: '{name}' is required, 1-64 characters, not \"*\"");
            }
            else if (!names.Add(name))
            {
                errors.Add($"{key}:Name: '{name}' is used by another group");
            }

            var networks = new List<IPNetwork>();
            var networkIndex = 0;
            foreach (var network in item.GetSection("Networks").GetChildren())
            {
                if (NetworkSet.TryParseNetwork(network.Value, out var parsed, out var error))
                {
                    networks.Add(parsed);
                }
                else
                {
                    errors.Add($"{key}:Networks:{networkIndex}: {error}");
                }

                networkIndex++;
            }

            if (networkIndex == 0)
            {
                errors.Add($"{key}:Networks: at least one CIDR network is required");
            }

            var mode = ReadEnum(item, "Mode", key, SourceGroupMode.Enforce, errors);
            var uninspected = ReadEnum(item, "Uninspected", key, UninspectedHandling.RequireAssessment, errors);
            var tls = ReadEnum(item, "Tls", key, TlsHandling.Splice, errors);
            var mlps = 0;
            if (item["MlpsLevel"] is { } mlpsText
                && (!int.TryParse(mlpsText, NumberStyles.None, CultureInfo.InvariantCulture, out mlps) || mlps is < 1 or > 5))
            {
                errors.Add($"{key}:MlpsLevel: '{mlpsText}' is not a level from 1 to 5");
            }

            if (errors.Count == before)
            {
                groups.Add(new SourceGroup { Name = name!, Networks = new NetworkSet(networks), Mode = mode, MlpsLevel = mlps, Uninspected = uninspected, Tls = tls });
            }
        }

        return groups;
    }

    /// <summary>Reads <c>Policy:Thresholds</c>.</summary>
    public static VolumeThresholds ReadThresholds(IConfiguration configuration, List<string> errors)
    {
        var policy = configuration.GetSection("Policy");
        foreach (var child in policy.GetChildren())
        {
            if (Array.FindIndex(PolicyKeys, k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                errors.Add($"Policy:{child.Key}: unknown setting (known here: {string.Join(", ", PolicyKeys)})");
            }
        }

        var section = policy.GetSection("Thresholds");
        foreach (var child in section.GetChildren())
        {
            if (Array.FindIndex(ThresholdKeys, k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                errors.Add($"Policy:Thresholds:{child.Key}: unknown setting (known here: {string.Join(", ", ThresholdKeys)})");
            }
        }

        var defaults = new VolumeThresholds();
        var result = new VolumeThresholds
        {
            StandardContract = ReadCount(section, "StandardContract", defaults.StandardContract, errors),
            SecurityAssessment = ReadCount(section, "SecurityAssessment", defaults.SecurityAssessment, errors),
            SensitiveSecurityAssessment = ReadCount(section, "SensitiveSecurityAssessment", defaults.SensitiveSecurityAssessment, errors),
        };
        if (result.StandardContract >= result.SecurityAssessment)
        {
            errors.Add($"Policy:Thresholds: StandardContract ({result.StandardContract}) must be below SecurityAssessment ({result.SecurityAssessment})");
        }

        return result;
    }

    private static long ReadCount(IConfiguration section, string name, long fallback, List<string> errors)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 1_000_000_000_000)
        {
            return value;
        }

        errors.Add($"Policy:Thresholds:{name}: '{text}' is not a whole number of individuals, 1 or more");
        return fallback;
    }

    private static T ReadEnum<T>(IConfiguration section, string name, string prefix, T fallback, List<string> errors)
        where T : struct, Enum
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && text.All(char.IsAsciiLetter))
        {
            return value;
        }

        errors.Add($"{prefix}:{name}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}");
        return fallback;
    }
}
