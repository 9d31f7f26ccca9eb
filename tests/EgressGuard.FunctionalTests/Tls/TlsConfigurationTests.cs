using EgressGuard.Configuration;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Hosting;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Tls;

/// <summary>The <c>Tls</c> and <c>Transparent</c> sections and the appliance CA on disk, as an admin meets them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TlsConfigurationTests
{
    [Fact]
    public void TlsAndTransparentSections_WithMistakes_ListEveryErrorByKey()
    {
        using var dir = new TempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tls:Mode"] = "Sometimes",
            ["Tls:CaCertificate"] = "ca.pem",
            ["Tls:UpstreamTrust:0"] = "missing-ca.pem",
            ["Tls:Bypass:0"] = "bank..example",
            ["Tls:SpliceAfterFailur"] = "1h",
            ["Transparent:Mode"] = "Magic",
            ["Transparent:Listen:0"] = "3129",
        }).Build();

        var result = ConfigLoader.Validate(configuration, dir.Path, null);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.StartsWith("Tls:Mode: 'Sometimes'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Tls:CaCertificate and Tls:CaKey must be given together", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Tls:UpstreamTrust:0:", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Tls:Bypass:0:", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Tls:SpliceAfterFailur: unknown setting", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Transparent:Mode: 'Magic'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Transparent:Listen:0:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FirstStart_CreatesTheCaWithAPrivateKeyOnlyTheOwnerCanRead()
    {
        await using var box = await ApplianceUnderTest.StartAsync();

        var key = Path.Combine(box.Directory.Path, "secrets", "tls-ca.key");
        Assert.True(File.Exists(Path.Combine(box.Directory.Path, "tls", "ca.crt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public async Task ImportedCaKey_ReadableByOthers_IsRefusedAtStartNamingTheFile()
    {
        using var dir = new TempDirectory();
        await using (var first = await ApplianceUnderTest.StartAsync())
        {
            File.Copy(Path.Combine(first.Directory.Path, "tls", "ca.crt"), dir.File("ca.pem"));
            File.Copy(Path.Combine(first.Directory.Path, "secrets", "tls-ca.key"), dir.File("ca.key"));
        }

        File.SetUnixFileMode(dir.File("ca.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var config = ApplianceUnderTest.DefaultConfig(dir);
        config["Tls:Mode"] = "Intercept";
        config["Tls:CaCertificate"] = dir.File("ca.pem");
        config["Tls:CaKey"] = dir.File("ca.key");
        var loaded = ConfigLoader.Validate(new ConfigurationBuilder().AddInMemoryCollection(config).Build(), dir.Path, null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));

        var started = await Appliance.StartAsync(loaded.Settings!);

        Assert.Null(started.Appliance);
        Assert.Contains(started.Errors, e => e.Contains(dir.File("ca.key"), StringComparison.Ordinal) && e.Contains("chmod 600", StringComparison.Ordinal));

        File.SetUnixFileMode(dir.File("ca.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var again = await Appliance.StartAsync(loaded.Settings!);
        Assert.NotNull(again.Appliance);
        await again.Appliance!.DisposeAsync();
    }
}
