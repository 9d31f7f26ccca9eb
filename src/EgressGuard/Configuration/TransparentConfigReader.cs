using System.Net;
using EgressGuard.Proxy.Transparent;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.Configuration;

/// <summary>Reads and validates the <c>Transparent</c> section.</summary>
internal static class TransparentConfigReader
{
    internal static readonly string[] Keys = ["Enabled", "Listen", "Mode"];

    public static TransparentSettings Read(IConfigurationSection section, List<string> errors)
    {
        var defaults = new TransparentSettings();
        ConfigLoader.CheckKnown(section, "Transparent:", Keys, errors);
        var mode = defaults.Mode;
        if (section["Mode"] is { } modeText && (!Enum.TryParse(modeText, ignoreCase: true, out mode) || !Enum.IsDefined(mode) || int.TryParse(modeText, out _)))
        {
            errors.Add($"Transparent:Mode: '{modeText}' is not Redirect or TProxy");
            mode = defaults.Mode;
        }

        var listen = new List<IPEndPoint>();
        var texts = ConfigLoader.ReadList(section.GetSection("Listen"));
        for (var i = 0; i < texts.Count; i++)
        {
            if (IPEndPoint.TryParse(texts[i], out var endpoint) && texts[i].Contains(':', StringComparison.Ordinal))
            {
                listen.Add(endpoint);
            }
            else
            {
                errors.Add($"Transparent:Listen:{i}: '{texts[i]}' is not IP:port (e.g. 0.0.0.0:3129 or [::]:3129)");
            }
        }

        return new TransparentSettings
        {
            Enabled = ConfigLoader.ReadBool(section, "Enabled", "Transparent:", defaults.Enabled, errors),
            Listen = texts.Count > 0 ? listen : defaults.Listen,
            Mode = mode,
        };
    }
}
