using EgressGuard.Ledger.Sinks;
using EgressGuard.Ledger.Sinks.PostgreSql;
using EgressGuard.Ledger.Sinks.Syslog;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EgressGuard.Configuration;

/// <summary>
/// Validates <c>Ledger:Sinks</c> (<c>PostgreSql</c>, <c>Syslog</c>) into <see cref="LedgerSinksOptions"/>,
/// in <see cref="ConfigLoader"/>'s manner: every error listed with its key, unknown keys are errors,
/// settings are checked even while a sink is disabled. Error messages never repeat a connection string
/// (it may hold a password).
/// </summary>
internal static class LedgerSinksConfig
{
    internal static readonly string[] SinksKeys = ["PostgreSql", "Syslog"];
    internal static readonly string[] ShippingKeys = ["BatchSize", "PollInterval", "RetryMin", "RetryMax", "BacklogAlert"];
    internal static readonly string[] PostgreSqlKeys = ["Enabled", "ConnectionString", .. ShippingKeys];
    internal static readonly string[] SyslogKeys = ["Enabled", "Host", "Port", "Tls", "CaFile", "ServerName", "Hostname", "Facility", "ConnectTimeout", .. ShippingKeys];

    /// <summary>Reads the <c>Ledger</c> section's sinks; relative <c>CaFile</c> paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static LedgerSinksOptions Read(IConfigurationSection ledger, string baseDirectory, List<string> errors)
    {
        // The Ledger section's own keys (Sinks among them) are checked by LedgerConfig.
        var sinks = ledger.GetSection("Sinks");
        ConfigLoader.CheckKnown(sinks, "Ledger:Sinks:", SinksKeys, errors);
        return new LedgerSinksOptions
        {
            PostgreSql = ReadPostgreSql(sinks.GetSection("PostgreSql"), errors),
            Syslog = ReadSyslog(sinks.GetSection("Syslog"), baseDirectory, errors),
        };
    }

    private static PostgreSqlSinkOptions? ReadPostgreSql(IConfigurationSection section, List<string> errors)
    {
        const string prefix = "Ledger:Sinks:PostgreSql:";
        ConfigLoader.CheckKnown(section, prefix, PostgreSqlKeys, errors);
        var enabled = ConfigLoader.ReadBool(section, "Enabled", prefix, false, errors);
        var shipping = ReadShipping(section, prefix, errors);
        var connectionString = section["ConnectionString"];
        if (connectionString is { Length: > 0 })
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString);
                if (string.IsNullOrEmpty(builder.Host))
                {
                    errors.Add(prefix + "ConnectionString: names no Host");
                }
            }
            catch (Exception e)
            {
                // Whatever the parser throws, the loader lists it and goes on (and never echoes the string: it may hold a password).
                errors.Add(prefix + "ConnectionString: not an Npgsql connection string (Host=…;Database=…;Username=…): " + e.GetType().Name);
            }
        }
        else if (enabled)
        {
            errors.Add(prefix + "ConnectionString: required when Enabled is true");
        }

        return enabled && connectionString is { Length: > 0 } ? new PostgreSqlSinkOptions { ConnectionString = connectionString, Shipping = shipping } : null;
    }

    private static SyslogSinkOptions? ReadSyslog(IConfigurationSection section, string baseDirectory, List<string> errors)
    {
        const string prefix = "Ledger:Sinks:Syslog:";
        ConfigLoader.CheckKnown(section, prefix, SyslogKeys, errors);
        var enabled = ConfigLoader.ReadBool(section, "Enabled", prefix, false, errors);
        var tls = ConfigLoader.ReadBool(section, "Tls", prefix, false, errors);
        var shipping = ReadShipping(section, prefix, errors);
        var host = section["Host"];
        if (enabled && string.IsNullOrWhiteSpace(host))
        {
            errors.Add(prefix + "Host: required when Enabled is true");
        }
        else if (host is not null && (host.Length > 253 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            errors.Add($"{prefix}Host: '{host}' is not a host name or IP address");
        }

        var port = ConfigLoader.ReadInt(section, "Port", prefix, tls ? 6514 : 514, 1, 65535, errors);
        var facility = ConfigLoader.ReadInt(section, "Facility", prefix, 13, 0, 23, errors);
        var connectTimeout = ConfigLoader.ReadDuration(section, "ConnectTimeout", prefix, TimeSpan.FromSeconds(10), errors);
        string? caFile = null;
        if (section["CaFile"] is { Length: > 0 } ca)
        {
            caFile = Path.GetFullPath(Path.Combine(baseDirectory, ca));
            if (!tls)
            {
                errors.Add(prefix + "CaFile: only meaningful with Tls true");
            }
            else if (!File.Exists(caFile))
            {
                errors.Add($"{prefix}CaFile: '{caFile}' not found");
            }
        }

        var hostname = section["Hostname"];
        if (hostname is not null && (hostname.Length is 0 or > 255 || hostname.Any(c => c is < '!' or > '~')))
        {
            errors.Add($"{prefix}Hostname: '{hostname}' is not 1-255 printable ASCII characters without spaces (RFC 5424 HOSTNAME)");
        }

        var serverName = section["ServerName"] is { Length: > 0 } name ? name : null;
        if (!enabled || string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        return new SyslogSinkOptions
        {
            Host = host,
            Port = port,
            Tls = tls,
            CaFile = caFile,
            ServerName = serverName,
            Hostname = hostname,
            Facility = facility,
            ConnectTimeout = connectTimeout,
            Shipping = shipping,
        };
    }

    private static SinkShippingOptions ReadShipping(IConfigurationSection section, string prefix, List<string> errors)
    {
        var defaults = new SinkShippingOptions();
        var shipping = new SinkShippingOptions
        {
            BatchSize = ConfigLoader.ReadInt(section, "BatchSize", prefix, defaults.BatchSize, 1, 50_000, errors),
            PollInterval = ConfigLoader.ReadDuration(section, "PollInterval", prefix, defaults.PollInterval, errors),
            RetryMin = ConfigLoader.ReadDuration(section, "RetryMin", prefix, defaults.RetryMin, errors),
            RetryMax = ConfigLoader.ReadDuration(section, "RetryMax", prefix, defaults.RetryMax, errors),
            BacklogAlert = ConfigLoader.ReadInt(section, "BacklogAlert", prefix, (int)defaults.BacklogAlert, 1, int.MaxValue, errors),
        };
        if (shipping.RetryMin > shipping.RetryMax)
        {
            errors.Add($"{prefix}RetryMin: {shipping.RetryMin} is longer than RetryMax {shipping.RetryMax}");
        }

        return shipping;
    }
}
