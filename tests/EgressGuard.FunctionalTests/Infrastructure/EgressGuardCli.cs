using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Infrastructure;

/// <summary>The built <c>egressguard</c> program, run as a user runs it.</summary>
internal static class EgressGuardCli
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "egressguard.dll");

    public static Task<ProcessRunner.Result> RunAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. arguments], TimeSpan.FromSeconds(60), workingDirectory);

    public static Task<ProcessRunner.Result> RunWithEnvironmentAsync(string workingDirectory, IDictionary<string, string> environment, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. arguments], TimeSpan.FromSeconds(60), workingDirectory, environment);

    /// <summary>
    /// Writes <c>egressguard.json</c> for the built program: Enforce, proxy on 127.0.0.1:<paramref name="port"/>,
    /// console on a free port, the MaxMind test database with 127.0.0.2 = US and 127.0.0.3 = CN, data and
    /// assessments under <paramref name="dir"/>. <paramref name="extraSections"/> adds top-level sections
    /// (JSON members, e.g. <c>"Ledger": { … }</c>). Returns the file's path.
    /// </summary>
    public static string WriteConfig(TempDirectory dir, int port, string? extraSections = null)
    {
        var testGeo = RepositoryPaths.Data("geoip", "GeoIP2-Country-Test.mmdb");
        var extra = extraSections is null ? string.Empty : ",\n  " + extraSections;
        var config = $$"""
        {
          "Mode": "Enforce",
          "HomeJurisdictions": ["CN"],
          "DataDirectory": "./data",
          "Proxy": { "Listen": ["127.0.0.1:{{port}}"], "AllowedClients": ["127.0.0.0/8"],
                     "AllowPrivateDestinations": ["127.0.0.2/32", "127.0.0.3/32"], "ConnectPorts": ["*"] },
          "Geo": { "Database": "{{testGeo}}",
                   "Overrides": [ { "Network": "127.0.0.2/32", "Country": "US" }, { "Network": "127.0.0.3/32", "Country": "CN" } ] },
          "Assessments": { "File": "./assessments.json" },
          "Console": { "Listen": ["127.0.0.1:0"] }{{extra}}
        }
        """;
        var path = dir.File("egressguard.json");
        File.WriteAllText(path, config);
        return path;
    }

    /// <summary>Starts <c>egressguard run</c> in the background.</summary>
    public static Process Start(string workingDirectory, params string[] arguments) =>
        Launch("dotnet", [Dll, .. arguments], workingDirectory);

    /// <summary>Starts <c>egressguard</c> in the background inside network namespace <paramref name="netns"/> (<c>ip netns exec</c>).</summary>
    public static Process StartInNamespace(string netns, string workingDirectory, params string[] arguments) =>
        Launch("ip", ["netns", "exec", netns, "dotnet", Dll, .. arguments], workingDirectory);

    private static Process Launch(string fileName, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends SIGTERM (a graceful stop, as systemd does) and waits for the exit.</summary>
    public static async Task<int> StopAsync(Process process)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    /// <summary>Waits (bounded) until <c>/healthz</c> answers on <paramref name="port"/>.</summary>
    public static async Task WaitForHealthAsync(int port, Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 150; i++)
        {
            Assert.False(process.HasExited, "egressguard run exited early with code " + (process.HasExited ? process.ExitCode : 0));
            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{port}/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("egressguard did not become healthy within 15 s");
    }

    /// <summary>A currently free loopback port (the kernel picks it; a tiny race is acceptable in tests).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
