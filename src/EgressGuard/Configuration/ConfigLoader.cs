using System.Globalization;
using System.Net;
using EgressGuard.Geo;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;
using EgressGuard.Proxy.Configuration;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.Configuration;

/// <summary>
/// Reads configuration in ASP.NET Core form — embedded defaults, then the JSON file, then
/// <c>EGRESSGUARD__Section__Key</c> environment variables — and validates it into an immutable
/// <see cref="ApplianceSettings"/>, listing every error (unknown keys included, since a typo in a
/// security setting must not be silently ignored). Relative paths in a file are resolved against
/// the file's directory; without a file, against the working directory.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The environment variable prefix.</summary>
    public const string EnvironmentPrefix = "EGRESSGUARD__";

    internal static readonly string[] TopLevelKeys = ["$schema", "Mode", "HomeJurisdictions", "DataDirectory", "Proxy", "Inspection", "Geo", "Assessments", "Logging", "Console", "Ledger", "SourceGroups", "Policy", "Tls", "Transparent"];

    internal static readonly string[] ProxyKeys =
    [
        "Listen", "AllowedClients", "AllowPrivateDestinations", "ConnectPorts", "MaxHeaderBytes", "HeaderTimeout",
        "TunnelIdleTimeout", "MaxConcurrentTunnels", "ConnectTimeout", "ResolveTimeout", "UpstreamActivityTimeout",
    ];

    internal static readonly string[] GeoKeys = ["Database", "Overrides"];
    internal static readonly string[] OverrideKeys = ["Network", "Country"];
    internal static readonly string[] AssessmentKeys = ["File"];
    internal static readonly string[] InspectionKeys = ["Enabled", "MaxHoldBytes"];

    /// <summary>Where the bundled country database is installed next to the executable.</summary>
    public static string BundledGeoDatabase => Path.Combine(AppContext.BaseDirectory, "geo", "geo-whois-asn-country.mmdb");

    /// <summary>Loads and validates. <paramref name="file"/> may be null (embedded defaults).</summary>
    public static ConfigLoadResult Load(string? file, bool includeEnvironment = true)
    {
        var builder = new ConfigurationBuilder();
        string baseDirectory;
        string? fullPath = null;
        if (file is not null)
        {
            fullPath = Path.GetFullPath(file);
            if (!File.Exists(fullPath))
            {
                return new ConfigLoadResult(null, [$"config file '{fullPath}': not found"]);
            }

            baseDirectory = Path.GetDirectoryName(fullPath)!;
            builder.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }
        else
        {
            baseDirectory = Directory.GetCurrentDirectory();
        }

        if (includeEnvironment)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            var inner = e.InnerException?.Message;
            return new ConfigLoadResult(null, [$"config file '{fullPath}': {e.Message}{(inner is null ? string.Empty : " " + inner)}"]);
        }

        return Validate(configuration, baseDirectory, fullPath);
    }

    /// <summary>Validates an already-built configuration.</summary>
    public static ConfigLoadResult Validate(IConfiguration configuration, string baseDirectory, string? sourceFile)
    {
        var errors = new List<string>();
        CheckKnown(configuration, string.Empty, TopLevelKeys, errors);
        CheckKnown(configuration.GetSection("Proxy"), "Proxy:", ProxyKeys, errors);
        CheckKnown(configuration.GetSection("Geo"), "Geo:", GeoKeys, errors);
        CheckKnown(configuration.GetSection("Assessments"), "Assessments:", AssessmentKeys, errors);
        CheckKnown(configuration.GetSection("Inspection"), "Inspection:", InspectionKeys, errors);

        var mode = EnforcementMode.Monitor;
        var modeText = configuration["Mode"];
        if (modeText is not null && !TryParseMode(modeText, out mode))
        {
            errors.Add($"Mode: '{modeText}' is not Enforce or Monitor");
        }

        var home = ReadList(configuration.GetSection("HomeJurisdictions"));
        if (home.Count == 0)
        {
            home = ["CN"];
        }

        var jurisdictionErrors = new List<string>();
        _ = JurisdictionMap.Create(home, jurisdictionErrors);
        errors.AddRange(jurisdictionErrors);

        var dataDirectory = Path.GetFullPath(Path.Combine(baseDirectory, configuration["DataDirectory"] is { Length: > 0 } d ? d : "./data"));

        var proxy = configuration.GetSection("Proxy");
        var defaults = new ProxySettings();
        var listen = ReadEndpoints(proxy.GetSection("Listen"), "Proxy:Listen", "127.0.0.1:3128 or [::1]:3128", defaults.Listen, errors);

        var allowedClients = ReadNetworks(proxy.GetSection("AllowedClients"), "Proxy:AllowedClients", errors);
        var allowPrivate = ReadNetworks(proxy.GetSection("AllowPrivateDestinations"), "Proxy:AllowPrivateDestinations", errors);
        var connectPorts = new List<int>();
        var anyPort = false;
        var portTexts = ReadList(proxy.GetSection("ConnectPorts"));
        for (var i = 0; i < portTexts.Count; i++)
        {
            if (portTexts[i] == "*")
            {
                anyPort = true;
            }
            else if (int.TryParse(portTexts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                connectPorts.Add(port);
            }
            else
            {
                errors.Add($"Proxy:ConnectPorts:{i}: '{portTexts[i]}' is not a port (1-65535) or \"*\"");
            }
        }

        var proxySettings = new ProxySettings
        {
            Listen = listen,
            MaxHeaderBytes = ReadInt(proxy, "MaxHeaderBytes", "Proxy:", defaults.MaxHeaderBytes, 1024, 1024 * 1024, errors),
            HeaderTimeout = ReadDuration(proxy, "HeaderTimeout", "Proxy:", defaults.HeaderTimeout, errors),
            TunnelIdleTimeout = ReadDuration(proxy, "TunnelIdleTimeout", "Proxy:", defaults.TunnelIdleTimeout, errors),
            MaxConcurrentTunnels = ReadInt(proxy, "MaxConcurrentTunnels", "Proxy:", defaults.MaxConcurrentTunnels, 1, 1_000_000, errors),
            ConnectTimeout = ReadDuration(proxy, "ConnectTimeout", "Proxy:", defaults.ConnectTimeout, errors),
            ResolveTimeout = ReadDuration(proxy, "ResolveTimeout", "Proxy:", defaults.ResolveTimeout, errors),
            UpstreamActivityTimeout = ReadDuration(proxy, "UpstreamActivityTimeout", "Proxy:", defaults.UpstreamActivityTimeout, errors),
            InspectionEnabled = ReadBool(configuration.GetSection("Inspection"), "Enabled", "Inspection:", defaults.InspectionEnabled, errors),
            MaxHoldBytes = ReadInt(configuration.GetSection("Inspection"), "MaxHoldBytes", "Inspection:", defaults.MaxHoldBytes, 0, 64 * 1024 * 1024, errors),
        };

        var geo = configuration.GetSection("Geo");
        var geoDatabase = geo["Database"] is { Length: > 0 } db ? Path.GetFullPath(Path.Combine(baseDirectory, db)) : BundledGeoDatabase;
        var overrides = new List<GeoOverride>();
        var index = 0;
        foreach (var item in geo.GetSection("Overrides").GetChildren())
        {
            var key = $"Geo:Overrides:{index++}";
            CheckKnown(item, key + ":", OverrideKeys, errors);
            var country = item["Country"];
            var networkOk = NetworkSet.TryParseNetwork(item["Network"], out var network, out var networkError);
            if (!networkOk)
            {
                errors.Add($"{key}:Network: {networkError}");
            }

            if (country is null || country.Length != 2 || !char.IsAsciiLetter(country[0]) || !char.IsAsciiLetter(country[1]))
            {
                errors.Add($"{key}:Country: '{country}' is not a two-letter ISO 3166-1 code");
            }
            else if (networkOk)
            {
                overrides.Add(new GeoOverride(network, country.ToUpperInvariant()));
            }
        }

        var ledgerSinks = LedgerSinksConfig.Read(configuration.GetSection("Ledger"), baseDirectory, errors);
        var assessmentsFile = configuration["Assessments:File"] is { Length: > 0 } af
            ? Path.GetFullPath(Path.Combine(baseDirectory, af))
            : Path.Combine(dataDirectory, "assessments.json");

        var ledger = LedgerConfig.Read(configuration.GetSection("Ledger"), dataDirectory, errors);
        var console = ConsoleConfig.Read(configuration.GetSection("Console"), errors);
        var sourceGroups = PolicyConfigReader.ReadSourceGroups(configuration, errors);
        var thresholds = PolicyConfigReader.ReadThresholds(configuration, errors);
        var tls = TlsConfigReader.Read(configuration.GetSection("Tls"), baseDirectory, errors);
        var transparent = TransparentConfigReader.Read(configuration.GetSection("Transparent"), errors);

        if (errors.Count > 0)
        {
            return new ConfigLoadResult(null, errors);
        }

        return new ConfigLoadResult(new ApplianceSettings
        {
            Mode = mode,
            HomeJurisdictions = home,
            DataDirectory = dataDirectory,
            Proxy = proxySettings,
            AllowedClients = allowedClients ?? new NetworkSet([IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]),
            AllowPrivateDestinations = allowPrivate ?? NetworkSet.Empty,
            ConnectPorts = anyPort ? [] : connectPorts.Count > 0 ? connectPorts : [443],
            GeoDatabase = geoDatabase,
            GeoOverrides = overrides,
            AssessmentsFile = assessmentsFile,
            LedgerSinks = ledgerSinks,
            SourceGroups = sourceGroups,
            Thresholds = thresholds,
            Ledger = ledger,
            Logging = configuration.GetSection("Logging").Exists() ? configuration.GetSection("Logging") : null,
            SourceFile = sourceFile,
            Console = console,
            Tls = tls,
            Transparent = transparent,
        }, []);
    }

    /// <summary>Parses a duration: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, or a TimeSpan such as <c>00:00:10</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        (string Suffix, double Factor)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                value = TimeSpan.FromMilliseconds(number * factor);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseMode(string text, out EnforcementMode mode)
    {
        mode = EnforcementMode.Monitor;
        if (string.Equals(text, "Enforce", StringComparison.OrdinalIgnoreCase))
        {
            mode = EnforcementMode.Enforce;
            return true;
        }

        return string.Equals(text, "Monitor", StringComparison.OrdinalIgnoreCase);
    }

    internal static void CheckKnown(IConfiguration section, string prefix, string[] known, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (Array.FindIndex(known, k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                errors.Add($"{prefix}{child.Key}: unknown setting (known here: {string.Join(", ", known.Where(k => k != "$schema"))})");
            }
        }
    }

    /// <summary>
    /// The IP:port list at <paramref name="section"/> (<paramref name="path"/> in messages), or
    /// <paramref name="fallback"/> when none is given; each item that is not IP:port is an error.
    /// </summary>
    internal static IReadOnlyList<IPEndPoint> ReadEndpoints(IConfigurationSection section, string path, string example, IReadOnlyList<IPEndPoint> fallback, List<string> errors)
    {
        var texts = ReadList(section);
        if (texts.Count == 0)
        {
            return fallback;
        }

        var endpoints = new List<IPEndPoint>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (IPEndPoint.TryParse(texts[i], out var endpoint) && texts[i].Contains(':', StringComparison.Ordinal))
            {
                endpoints.Add(endpoint);
            }
            else
            {
                errors.Add($"{path}:{i}: '{texts[i]}' is not IP:port (e.g. {example})");
            }
        }

        return endpoints;
    }

    internal static List<string> ReadList(IConfigurationSection section)
    {
        var list = new List<string>();
        if (section.Value is { Length: > 0 } single)
        {
            // A single value given where a list is expected (typical from an environment variable): split on commas.
            list.AddRange(single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            return list;
        }

        foreach (var child in section.GetChildren())
        {
            if (child.Value is not null)
            {
                list.Add(child.Value);
            }
        }

        return list;
    }

    private static NetworkSet? ReadNetworks(IConfigurationSection section, string key, List<string> errors)
    {
        var texts = ReadList(section);
        if (texts.Count == 0 && !section.Exists())
        {
            return null;
        }

        var networks = new List<IPNetwork>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (NetworkSet.TryParseNetwork(texts[i], out var network, out var error))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{key}:{i}: {error}");
            }
        }

        return new NetworkSet(networks);
    }

    internal static int ReadInt(IConfiguration section, string name, string prefix, int fallback, int min, int max, List<string> errors)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{prefix}{name}: '{text}' is not a whole number from {min} to {max}");
        return fallback;
    }

    internal static bool ReadBool(IConfiguration section, string name, string prefix, bool fallback, List<string> errors)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{prefix}{name}: '{text}' is not true or false");
        return fallback;
    }

    internal static TimeSpan ReadDuration(IConfiguration section, string name, string prefix, TimeSpan fallback, List<string> errors)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        if (TryParseDuration(text, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromDays(1))
        {
            return value;
        }

        errors.Add($"{prefix}{name}: '{text}' is not a duration between 1ms and 1d (e.g. 10s, 5m, 00:00:30)");
        return fallback;
    }
}
