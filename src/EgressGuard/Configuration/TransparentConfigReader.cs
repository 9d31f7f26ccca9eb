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

        var listen = ConfigLoader.ReadEndpoints(section.GetSection("Listen"), "Transparent:Listen", "0.0.0.0:3129 or [::]:3129", defaults.Listen, errors);

        return new TransparentSettings
        {
            Enabled = ConfigLoader.ReadBool(section, "Enabled", "Transparent:", defaults.Enabled, errors),
            Listen = listen,
            Mode = mode,
        };
    }
}
