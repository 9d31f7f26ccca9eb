using EgressGuard.WebConsole;
using EgressGuard.WebConsole.Security;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.Configuration;

/// <summary>Validates the <c>Console</c> section: listen endpoints and API keys (name, role, SHA-256 of the secret).</summary>
internal static class ConsoleConfig
{
    internal static readonly string[] Keys = ["Enabled", "Listen", "ApiKeys", "MaxRequestBodyBytes"];
    internal static readonly string[] ApiKeyKeys = ["Name", "Role", "Sha256"];

    public static ConsoleSettings Read(IConfigurationSection section, List<string> errors)
    {
        var defaults = new ConsoleSettings();
        ConfigLoader.CheckKnown(section, "Console:", Keys, errors);
        var listen = ConfigLoader.ReadEndpoints(section.GetSection("Listen"), "Console:Listen", "127.0.0.1:8080", defaults.Listen, errors);

        var keys = new List<ApiKey>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in section.GetSection("ApiKeys").GetChildren())
        {
            var key = $"Console:ApiKeys:{index++}";
            ConfigLoader.CheckKnown(item, key + ":", ApiKeyKeys, errors);
            var name = item["Name"];
            var ok = true;
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{key}:Name: required (who holds the key; it is logged with every change made with it)");
                ok = false;
            }
            else if (!names.Add(name))
            {
                errors.Add($"{key}:Name: '{name}' is used by another key");
                ok = false;
            }

            if (!ApiRoles.TryParse(item["Role"], out var role))
            {
                errors.Add($"{key}:Role: '{item["Role"]}' is not admin, reviewer or auditor");
                ok = false;
            }

            if (!ApiKey.TryParseHash(item["Sha256"], out var hash))
            {
                errors.Add($"{key}:Sha256: must be the 64-hex-digit SHA-256 of the key (make one with 'egressguard console add-key'); the key itself is never stored");
                ok = false;
            }

            if (ok)
            {
                keys.Add(new ApiKey(name!, role, hash));
            }
        }

        return new ConsoleSettings
        {
            Enabled = ConfigLoader.ReadBool(section, "Enabled", "Console:", defaults.Enabled, errors),
            Listen = listen,
            ApiKeys = keys,
            MaxRequestBodyBytes = ConfigLoader.ReadInt(section, "MaxRequestBodyBytes", "Console:", defaults.MaxRequestBodyBytes, 1024, 64 * 1024 * 1024, errors),
        };
    }
}
