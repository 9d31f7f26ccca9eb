using System.Text.Json;
using EgressGuard.Configuration;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Configuration;

/// <summary><c>Ledger:Sinks</c>: schema and loader agree, a valid section becomes the sinks' options, every mistake is listed.</summary>
public sealed class LedgerSinksConfigTests
{
    [Fact]
    public void Schema_NamesExactlyTheSinkKeysTheLoaderKnows()
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", "EgressGuard", "Configuration", "egressguard.schema.json");
        var ledger = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("properties").GetProperty("Ledger").GetProperty("properties");
        var sinks = ledger.GetProperty("Sinks").GetProperty("properties");
        static string[] Names(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Contains("Ledger", ConfigLoader.TopLevelKeys);
        Assert.Equal(LedgerConfig.Keys.Order(StringComparer.Ordinal), Names(ledger));
        Assert.Equal(LedgerSinksConfig.SinksKeys.Order(StringComparer.Ordinal), Names(sinks));
        Assert.Equal(LedgerSinksConfig.PostgreSqlKeys.Order(StringComparer.Ordinal), Names(sinks.GetProperty("PostgreSql").GetProperty("properties")));
        Assert.Equal(LedgerSinksConfig.SyslogKeys.Order(StringComparer.Ordinal), Names(sinks.GetProperty("Syslog").GetProperty("properties")));
    }

    [Fact]
    public void NoLedgerSection_NoSinks()
    {
        using var dir = new TempDirectory();
        var result = ConfigLoader.Validate(new ConfigurationBuilder().Build(), dir.Path, null);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Null(result.Settings!.LedgerSinks.PostgreSql);
        Assert.Null(result.Settings.LedgerSinks.Syslog);
    }

    [Fact]
    public void BothEnabled_BecomeImmutableOptions_WithDefaultsAndResolvedCaFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("siem-ca.pem"), "not checked here");
        var file = dir.File("egressguard.json");
        File.WriteAllText(file, """
            {
              "Ledger": { "Sinks": {
                "PostgreSql": { "Enabled": true, "ConnectionString": "Host=db.fleet.example;Database=ledger;Username=eg;Password=s3cret", "BatchSize": 500, "RetryMax": "30s" },
                "Syslog": { "Enabled": true, "Host": "siem.example.net", "Tls": true, "CaFile": "siem-ca.pem", "Hostname": "edge-7", "Facility": 16 }
              } }
            }
            """);

        var result = ConfigLoader.Load(file, includeEnvironment: false);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var sinks = result.Settings!.LedgerSinks;
        Assert.Equal("Host=db.fleet.example;Database=ledger;Username=eg;Password=s3cret", sinks.PostgreSql!.ConnectionString);
        Assert.Equal(500, sinks.PostgreSql.Shipping.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(30), sinks.PostgreSql.Shipping.RetryMax);
        Assert.Equal(TimeSpan.FromSeconds(1), sinks.PostgreSql.Shipping.RetryMin);
        Assert.Equal("siem.example.net", sinks.Syslog!.Host);
        Assert.Equal(6514, sinks.Syslog.Port);
        Assert.True(sinks.Syslog.Tls);
        Assert.Equal(dir.File("siem-ca.pem"), sinks.Syslog.CaFile);
        Assert.Equal(16, sinks.Syslog.Facility);
        Assert.Equal("edge-7", sinks.Syslog.Hostname);
    }

    [Fact]
    public void Mistakes_AreAllListed_AndNoPasswordIsEchoed()
    {
        using var dir = new TempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Sinks:PostgreSql:Enabled"] = "yes",
            ["Ledger:Sinks:PostgreSql:ConnectionString"] = "Host=db;Password=hunter2;Bogus Key=1",
            ["Ledger:Sinks:PostgreSql:RetryMin"] = "2m",
            ["Ledger:Sinks:PostgreSql:RetryMax"] = "10s",
            ["Ledger:Sinks:Syslog:Enabled"] = "true",
            ["Ledger:Sinks:Syslog:Port"] = "0",
            ["Ledger:Sinks:Syslog:Facility"] = "24",
            ["Ledger:Sinks:Syslog:Tls"] = "true",
            ["Ledger:Sinks:Syslog:CaFile"] = "missing-ca.pem",
            ["Ledger:Sinks:Syslog:Hostname"] = "edge box",
            ["Ledger:Sinks:Kafka:Enabled"] = "true",
            ["Ledger:Sink"] = "x",
        }).Build();

        var result = ConfigLoader.Validate(configuration, dir.Path, null);

        Assert.False(result.Succeeded);
        string[] expected =
        [
            "Ledger:Sink: unknown setting",
            "Ledger:Sinks:Kafka: unknown setting",
            "Ledger:Sinks:PostgreSql:Enabled: 'yes' is not true or false",
            "Ledger:Sinks:PostgreSql:ConnectionString: not an Npgsql connection string",
            "Ledger:Sinks:PostgreSql:RetryMin:",
            "Ledger:Sinks:Syslog:Host: required when Enabled is true",
            "Ledger:Sinks:Syslog:Port: '0'",
            "Ledger:Sinks:Syslog:Facility: '24'",
            "Ledger:Sinks:Syslog:CaFile: '" + dir.File("missing-ca.pem") + "' not found",
            "Ledger:Sinks:Syslog:Hostname: 'edge box'",
        ];
        foreach (var prefix in expected)
        {
            Assert.Contains(result.Errors, e => e.StartsWith(prefix, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(result.Errors, e => e.Contains("hunter2", StringComparison.Ordinal));
    }
}
