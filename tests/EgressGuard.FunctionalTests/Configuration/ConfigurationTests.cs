using System.Text.Json;
using EgressGuard.Configuration;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Configuration;

/// <summary>The configuration contract: schema, sample, defaults, environment overrides, path rules.</summary>
public sealed class ConfigurationTests
{
    private static JsonElement Schema()
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", "EgressGuard", "Configuration", "egressguard.schema.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    [Fact]
    public void SampleConfig_ValidatesAgainstTheSchema()
    {
        var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "config", "egressguard.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

        Assert.Empty(JsonSchemaSubset.Validate(Schema(), sample.RootElement));
    }

    [Fact]
    public void Schema_RejectsUnknownKeysBadEnumsAndBadDurations()
    {
        var bad = JsonDocument.Parse("""{"Mode":"Block","Proxy":{"Listn":[],"HeaderTimeout":"soon"},"Geo":{"Overrides":[{"Network":"1.2.3.0/24"}]}}""");

        var errors = JsonSchemaSubset.Validate(Schema(), bad.RootElement);

        Assert.Contains(errors, e => e.StartsWith("$.Mode", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.Proxy.Listn", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.Proxy.HeaderTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Country: required", StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_NamesExactlyTheKeysTheLoaderKnows()
    {
        var schema = Schema().GetProperty("properties");
        static string[] Names(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(ConfigLoader.TopLevelKeys.Order(StringComparer.Ordinal), Names(schema));
        Assert.Equal(ConfigLoader.ProxyKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Proxy").GetProperty("properties")));
        Assert.Equal(ConfigLoader.InspectionKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Inspection").GetProperty("properties")));
        Assert.Equal(ConfigLoader.GeoKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Geo").GetProperty("properties")));
        Assert.Equal(ConfigLoader.OverrideKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Geo").GetProperty("properties").GetProperty("Overrides").GetProperty("items").GetProperty("properties")));
        Assert.Equal(ConfigLoader.AssessmentKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Assessments").GetProperty("properties")));
        Assert.Equal(ConsoleConfig.Keys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Console").GetProperty("properties")));
        Assert.Equal(ConsoleConfig.ApiKeyKeys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Console").GetProperty("properties").GetProperty("ApiKeys").GetProperty("items").GetProperty("properties")));
        Assert.Equal(TlsConfigReader.Keys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Tls").GetProperty("properties")));
        Assert.Equal(TransparentConfigReader.Keys.Order(StringComparer.Ordinal), Names(schema.GetProperty("Transparent").GetProperty("properties")));
    }

    [Fact]
    public void Defaults_WithoutAnySetting_AreTheDocumentedEmbeddedDefaults()
    {
        using var dir = new TempDirectory();
        var result = ConfigLoader.Validate(new ConfigurationBuilder().Build(), dir.Path, null);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var s = result.Settings!;
        Assert.Equal(EnforcementMode.Monitor, s.Mode);
        Assert.Equal(["CN"], s.HomeJurisdictions);
        Assert.Equal(Path.Combine(dir.Path, "data"), s.DataDirectory);
        Assert.Equal("127.0.0.1:3128", Assert.Single(s.Proxy.Listen).ToString());
        Assert.True(s.AllowedClients.Contains(System.Net.IPAddress.Parse("127.0.0.1")));
        Assert.False(s.AllowedClients.Contains(System.Net.IPAddress.Parse("10.0.0.1")));
        Assert.Empty(s.AllowPrivateDestinations.Networks);
        Assert.Equal([443], s.ConnectPorts);
        Assert.Equal(ConfigLoader.BundledGeoDatabase, s.GeoDatabase);
        Assert.Equal(Path.Combine(dir.Path, "data", "assessments.json"), s.AssessmentsFile);
        Assert.True(s.Proxy.InspectionEnabled);
        Assert.Equal(1024 * 1024, s.Proxy.MaxHoldBytes);
    }

    [Fact]
    public void RelativePathsInAFile_AreResolvedAgainstTheFilesDirectory()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("etc"));
        var file = dir.File(Path.Combine("etc", "eg.json"));
        File.WriteAllText(file, """{"DataDirectory":"state","Assessments":{"File":"records.json"},"Proxy":{"ConnectPorts":["*"],"HeaderTimeout":"1500ms"}}""");

        var result = ConfigLoader.Load(file, includeEnvironment: false);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(dir.File(Path.Combine("etc", "state")), result.Settings!.DataDirectory);
        Assert.Equal(dir.File(Path.Combine("etc", "records.json")), result.Settings.AssessmentsFile);
        Assert.Empty(result.Settings.ConnectPorts);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.Settings.Proxy.HeaderTimeout);
    }

    [Fact]
    public void InvalidJson_IsOneErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        var file = dir.File("broken.json");
        File.WriteAllText(file, "{ \"Mode\": \"Monitor\", ");

        var result = ConfigLoader.Load(file, includeEnvironment: false);

        Assert.False(result.Succeeded);
        Assert.Contains(file, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("00:00:30", 30_000)]
    public void Durations_InEveryDocumentedForm_Parse(string text, double milliseconds)
    {
        Assert.True(ConfigLoader.TryParseDuration(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds);
    }
}
