using System.Net;
using System.Net.Sockets;
using EgressGuard.Configuration;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Hosting;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Configuration;

/// <summary>A start that fails late (everything else opened) reports why and leaves nothing of the data directory open.</summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task Start_ConsolePortTaken_FailsClearly_ReleasesEveryFile_AndTheNextStartWorks()
    {
        using var dir = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = ApplianceUnderTest.DefaultConfig(dir);
        config["Console:Listen:0"] = $"127.0.0.1:{port}";

        var failed = await StartAsync(dir, config);

        Assert.Null(failed.Appliance);
        Assert.Contains(failed.Errors, e => e.Contains("Console:Listen", StringComparison.Ordinal) || e.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Empty(OpenFilesUnder(dir.Path)); // ledger partitions, registry, volume counter: all closed

        config["Console:Listen:0"] = "127.0.0.1:0";
        var second = await StartAsync(dir, config);
        Assert.True(second.Appliance is not null, string.Join("\n", second.Errors));
        await second.Appliance.DisposeAsync();
    }

    private static async Task<ApplianceStartResult> StartAsync(TempDirectory dir, Dictionary<string, string?> config)
    {
        var loaded = ConfigLoader.Validate(new ConfigurationBuilder().AddInMemoryCollection(config).Build(), dir.Path, null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return await Appliance.StartAsync(loaded.Settings!, new ApplianceStartOptions { MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
    }

    private static List<string> OpenFilesUnder(string directory)
    {
        var open = new List<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(directory, StringComparison.Ordinal))
                {
                    open.Add(target);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while listing.
            }
        }

        return open;
    }
}
