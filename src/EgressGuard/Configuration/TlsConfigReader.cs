using EgressGuard.Proxy.Tls;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.Configuration;

/// <summary>Reads and validates the <c>Tls</c> section (same rules as <see cref="ConfigLoader"/>: every error listed, unknown keys refused).</summary>
internal static class TlsConfigReader
{
    internal static readonly string[] Keys = ["Mode", "CaCertificate", "CaKey", "UpstreamTrust", "Bypass", "SpliceAfterFailure", "CertificateCacheSize"];

    public static TlsSettings Read(IConfigurationSection section, string baseDirectory, List<string> errors)
    {
        var defaults = new TlsSettings();
        ConfigLoader.CheckKnown(section, "Tls:", Keys, errors);
        var mode = defaults.Mode;
        if (section["Mode"] is { } modeText && (!Enum.TryParse(modeText, ignoreCase: true, out mode) || !Enum.IsDefined(mode) || int.TryParse(modeText, out _)))
        {
            errors.Add($"Tls:Mode: '{modeText}' is not Off or Intercept");
            mode = defaults.Mode;
        }

        string? PathOf(string key) => section[key] is { Length: > 0 } p ? Path.GetFullPath(Path.Combine(baseDirectory, p)) : null;
        var caCertificate = PathOf("CaCertificate");
        var caKey = PathOf("CaKey");
        if ((caCertificate is null) != (caKey is null))
        {
            errors.Add("Tls:CaCertificate and Tls:CaKey must be given together (or neither: the appliance generates its CA)");
        }

        var trust = new List<string>();
        var trustTexts = ConfigLoader.ReadList(section.GetSection("UpstreamTrust"));
        for (var i = 0; i < trustTexts.Count; i++)
        {
            var file = Path.GetFullPath(Path.Combine(baseDirectory, trustTexts[i]));
            if (!File.Exists(file))
            {
                errors.Add($"Tls:UpstreamTrust:{i}: '{file}' not found");
            }

            trust.Add(file);
        }

        var bypass = HostPatternList.Parse(ConfigLoader.ReadList(section.GetSection("Bypass")), "Tls:Bypass", errors);
        return new TlsSettings
        {
            Mode = mode,
            CaCertificate = caCertificate,
            CaKey = caKey,
            UpstreamTrust = trust,
            Bypass = bypass,
            SpliceAfterFailure = ConfigLoader.ReadDuration(section, "SpliceAfterFailure", "Tls:", defaults.SpliceAfterFailure, errors),
            CertificateCacheSize = ConfigLoader.ReadInt(section, "CertificateCacheSize", "Tls:", defaults.CertificateCacheSize, 16, 1_000_000, errors),
        };
    }
}
