using System.Text.Json;
using EgressGuard.Configuration;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Configuration;

/// <summary>The policy sections of the configuration: source groups and volume thresholds.</summary>
public sealed class PolicyConfigurationTests
{
    private static ConfigLoadResult Load(Dictionary<string, string?> values, TempDirectory dir) =>
        ConfigLoader.Validate(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), dir.Path, null);

    [Fact]
    public void SourceGroups_Valid_AreCarriedWithDefaults()
    {
        using var dir = new TempDirectory();
        var result = Load(new()
        {
            ["SourceGroups:0:Name"] = "core",
            ["SourceGroups:0:Networks:0"] = "10.10.0.0/16",
            ["SourceGroups:0:MlpsLevel"] = "3",
            ["SourceGroups:0:Tls"] = "Intercept",
            ["SourceGroups:1:Name"] = "office",
            ["SourceGroups:1:Networks:0"] = "10.20.0.0/16",
            ["SourceGroups:1:Mode"] = "Off",
            ["Policy:Thresholds:StandardContract"] = "50",
        }, dir);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var groups = result.Settings!.SourceGroups;
        Assert.Equal((SourceGroupMode.Enforce, 3, UninspectedHandling.RequireAssessment, TlsHandling.Intercept), (groups[0].Mode, groups[0].MlpsLevel, groups[0].Uninspected, groups[0].Tls));
        Assert.Equal((SourceGroupMode.Off, TlsHandling.Splice), (groups[1].Mode, groups[1].Tls));
        Assert.Equal(50, result.Settings.Thresholds.StandardContract);
        Assert.Equal(1_000_000, result.Settings.Thresholds.SecurityAssessment);
        Assert.Equal(10_000, result.Settings.Thresholds.SensitiveSecurityAssessment);
    }

    [Fact]
    public void SourceGroups_AndThresholds_Invalid_ListEveryError()
    {
        using var dir = new TempDirectory();
        var result = Load(new()
        {
            ["SourceGroups:0:Name"] = "core",
            ["SourceGroups:0:Networks:0"] = "10.10.0.1/16",
            ["SourceGroups:0:MlpsLevel"] = "6",
            ["SourceGroups:0:Mode"] = "Audit",
            ["SourceGroups:0:Uninspected"] = "Maybe",
            ["SourceGroups:0:Tls"] = "Bump",
            ["SourceGroups:0:Colour"] = "red",
            ["SourceGroups:1:Name"] = "core",
            ["Policy:Thresholds:StandardContract"] = "-1",
            ["Policy:Thresholds:Sensitive"] = "5",
            ["Policy:Limits"] = "x",
        }, dir);

        Assert.False(result.Succeeded);
        string[] expected =
        [
            "SourceGroups:0:Networks:0", "SourceGroups:0:MlpsLevel", "SourceGroups:0:Mode", "SourceGroups:0:Uninspected",
            "SourceGroups:0:Tls", "SourceGroups:0:Colour", "SourceGroups:1:Name: 'core' is used", "SourceGroups:1:Networks",
            "Policy:Thresholds:StandardContract", "Policy:Thresholds:Sensitive", "Policy:Limits",
        ];
        foreach (var prefix in expected)
        {
            Assert.Contains(result.Errors, e => e.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Schema_KnowsTheSourceGroupAndThresholdKeys()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "EgressGuard", "Configuration", "egressguard.schema.json"))).RootElement.GetProperty("properties");
        static string[] Names(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(PolicyConfigReader.SourceGroupKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("SourceGroups").GetProperty("items").GetProperty("properties")));
        Assert.Equal(PolicyConfigReader.ThresholdKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Policy").GetProperty("properties").GetProperty("Thresholds").GetProperty("properties")));
    }
}
