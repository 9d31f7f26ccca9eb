using System.Diagnostics;
using System.Globalization;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Transparent;

/// <summary>
/// Transparent mode as an admin deploys it, in three network namespaces the test creates: a client
/// (10.77.1.2, no proxy configured), the appliance (the built <c>egressguard run</c> inside
/// <c>ip netns exec</c>, with the shipped <c>appliance/transparent/setup.sh on redirect</c> rules),
/// and an origin (10.77.2.2 = CN, 10.77.2.3 = US by geo override). Plain HTTP and TLS (by SNI) are
/// decided by policy; an assessment covers <c>us.example.test</c> by name only.
/// </summary>
public sealed class TransparentModeTests
{
    [NetnsFact]
    public async Task RedirectedHttpAndTls_AreDecidedByHostAndSniAgainstTheOriginalDestination()
    {
        var n = (Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture);
        string client = "egc" + n, box = "ega" + n, origin = "ego" + n;
        using var dir = new TempDirectory();
        using var pki = new TestPki(dir.Path);
        var hostsDir = "/etc/netns/" + box;
        Process? appliance = null;
        try
        {
            await ShAsync($"""
                set -e
                ip netns add {client}; ip netns add {box}; ip netns add {origin}
                ip link add vc{n} type veth peer name va{n}
                ip link set vc{n} netns {client}; ip link set va{n} netns {box}
                ip link add vo{n} type veth peer name vb{n}
                ip link set vo{n} netns {origin}; ip link set vb{n} netns {box}
                ip -n {client} link set lo up; ip -n {box} link set lo up; ip -n {origin} link set lo up
                ip -n {client} addr add 10.77.1.2/24 dev vc{n}; ip -n {client} link set vc{n} up
                ip -n {client} route add default via 10.77.1.1
                ip -n {box} addr add 10.77.1.1/24 dev va{n}; ip -n {box} link set va{n} up
                ip -n {box} addr add 10.77.2.1/24 dev vb{n}; ip -n {box} link set vb{n} up
                ip -n {origin} addr add 10.77.2.2/24 dev vo{n}; ip -n {origin} addr add 10.77.2.3/24 dev vo{n}
                ip -n {origin} link set vo{n} up; ip -n {origin} route add default via 10.77.2.1
                ip netns exec {box} {RepositoryPaths.Root}/appliance/transparent/setup.sh on redirect va{n} 3129
                mkdir -p {hostsDir}
                printf '127.0.0.1 localhost\n10.77.2.3 us.example.test\n10.77.2.2 cn.example.test\n' > {hostsDir}/hosts
                """);
            using var server = new NamespaceOrigin(origin, pki.Issue("us.example.test", null, false, "cn.example.test"));

            File.WriteAllText(dir.File("assessments.json"), """
                [{ "Id": "SCC-US-1", "Recipient": "US Example Inc.", "Mechanism": "StandardContract",
                   "Destinations": ["us.example.test"], "Categories": ["*"], "ValidFrom": "2020-01-01", "ValidTo": "2099-12-31" }]
                """);
            File.WriteAllText(dir.File("egressguard.json"), $$"""
                {
                  "Mode": "Enforce",
                  "DataDirectory": "data",
                  "Proxy": { "Listen": ["127.0.0.1:3128"], "AllowedClients": ["10.77.1.0/24", "127.0.0.0/8"],
                             "AllowPrivateDestinations": ["10.77.2.0/24"], "ConnectPorts": ["*"] },
                  "Inspection": { "Enabled": false },
                  "Geo": { "Database": "{{RepositoryPaths.Data("geoip", "GeoIP2-Country-Test.mmdb")}}",
                           "Overrides": [ { "Network": "10.77.2.2/32", "Country": "CN" }, { "Network": "10.77.2.3/32", "Country": "US" } ] },
                  "Assessments": { "File": "assessments.json" },
                  "Transparent": { "Enabled": true, "Listen": ["0.0.0.0:3129"], "Mode": "Redirect" },
                  "Tls": { "Mode": "Intercept", "Bypass": ["us.example.test"], "UpstreamTrust": ["{{pki.PemPath}}"] }
                }
                """);
            appliance = StartInNamespace(box, dir.Path, "run", "--config", dir.File("egressguard.json"));
            await WaitForHealthAsync(box, appliance);

            // Plain HTTP, no proxy configured on the client: domestic passes, foreign without a record is refused.
            var domestic = await CurlInAsync(client, "http://10.77.2.2/hello");
            Assert.Equal("hello from 10.77.2.2", domestic.StandardOutput);
            var foreign = await CurlInAsync(client, "-i", "http://10.77.2.3/hello");
            Assert.Contains(" 403 ", foreign.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("X-EgressGuard-Reason: NoAssessment", foreign.StandardOutput, StringComparison.Ordinal);

            // The Host header names the assessed site and resolves to the address dialled: allowed.
            var named = await CurlInAsync(client, "-H", "Host: us.example.test", "http://10.77.2.3/hello");
            Assert.Equal("hello from 10.77.2.3", named.StandardOutput);

            // TLS to a domestic name is intercepted: the client trusts only the box's CA and still gets the origin's answer.
            var intercepted = await CurlInAsync(client, "--cacert", Path.Combine(dir.Path, "data", "tls", "ca.crt"), "--resolve", "cn.example.test:443:10.77.2.2", "https://cn.example.test/hello");
            Assert.True(intercepted.ExitCode == 0, intercepted.StandardError);
            Assert.Equal("hello from 10.77.2.2", intercepted.StandardOutput);

            // TLS, decided by SNI: the assessed name (in Tls:Bypass) passes spliced — the client sees the origin's own certificate ...
            var tls = await CurlInAsync(client, "--cacert", pki.PemPath, "--resolve", "us.example.test:443:10.77.2.3", "https://us.example.test/hello");
            Assert.True(tls.ExitCode == 0, tls.StandardError);
            Assert.Equal("hello from 10.77.2.3", tls.StandardOutput);

            // ... an SNI that does not resolve to the address is decided as the bare address: no record, connection refused.
            var borrowed = await CurlInAsync(client, "-k", "--resolve", "other.example.test:443:10.77.2.3", "https://other.example.test/hello");
            Assert.NotEqual(0, borrowed.ExitCode);
            Assert.DoesNotContain("hello from", borrowed.StandardOutput, StringComparison.Ordinal);

            Assert.Equal(0, await EgressGuardCli.StopAsync(appliance));
            var ledger = await EgressGuardCli.RunAsync(dir.Path, "ledger", "query", "--config", dir.File("egressguard.json"));
            Assert.True(ledger.ExitCode == 0, ledger.StandardError);
            var lines = ledger.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.Contains("\"host\":\"us.example.test\"", StringComparison.Ordinal) && l.Contains("\"kind\":\"Tunnel\"", StringComparison.Ordinal) && l.Contains("\"decision\":\"Allow\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("\"host\":\"cn.example.test\"", StringComparison.Ordinal) && l.Contains("\"kind\":\"Http\"", StringComparison.Ordinal) && l.Contains("\"decision\":\"Allow\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("\"host\":\"us.example.test\"", StringComparison.Ordinal) && l.Contains("\"inspection\":\"Bypassed\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("\"host\":\"10.77.2.3\"", StringComparison.Ordinal) && l.Contains("\"kind\":\"Tunnel\"", StringComparison.Ordinal) && l.Contains("\"decision\":\"Block\"", StringComparison.Ordinal));
        }
        finally
        {
            if (appliance is { HasExited: false })
            {
                appliance.Kill(entireProcessTree: true);
            }

            appliance?.Dispose();
            await ShAsync($"ip netns del {client}; ip netns del {box}; ip netns del {origin}; rm -rf {hostsDir}; true");
        }
    }

    private static async Task ShAsync(string script)
    {
        var result = await ProcessRunner.RunAsync("bash", ["-c", script], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, "setup failed: " + result.StandardError + result.StandardOutput);
    }

    private static Task<ProcessRunner.Result> CurlInAsync(string netns, params string[] arguments) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", netns, "curl", "-sS", "--max-time", "15", .. arguments], TimeSpan.FromSeconds(30));

    private static Process StartInNamespace(string netns, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in (string[])["netns", "exec", netns, "dotnet", EgressGuardCli.Dll, .. arguments])
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

    private static async Task WaitForHealthAsync(string netns, Process process)
    {
        for (var i = 0; i < 150; i++)
        {
            Assert.False(process.HasExited, "egressguard run exited early with code " + (process.HasExited ? process.ExitCode : 0));
            var health = await ProcessRunner.RunAsync("ip", ["netns", "exec", netns, "curl", "-sf", "--max-time", "2", "http://127.0.0.1:3128/healthz"], TimeSpan.FromSeconds(10));
            if (health.ExitCode == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("egressguard did not become healthy in the namespace within 15 s");
    }
}
