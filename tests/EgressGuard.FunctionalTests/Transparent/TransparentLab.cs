using System.Diagnostics;
using System.Globalization;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Transparent;

/// <summary>
/// Transparent mode as an admin deploys it, in three network namespaces: a client (10.77.1.2 and
/// fd77:1::2, no proxy configured), the appliance (the built <c>egressguard run</c> inside
/// <c>ip netns exec</c>, routing between the two, with the shipped
/// <c>appliance/transparent/setup.sh on MODE</c> rules) and an origin answering on 10.77.2.2 /
/// fd77:2::2 (CN by geo override, <c>cn.example.test</c>) and 10.77.2.3 / fd77:2::3 (US,
/// <c>us.example.test</c>). An assessment covers <c>us.example.test</c> by name only; that name is in
/// <c>Tls:Bypass</c>, everything else is intercepted.
/// </summary>
internal sealed class TransparentLab : IAsyncDisposable
{
    private readonly string _client;
    private readonly string _box;
    private readonly string _origin;
    private readonly string _hostsDir;
    private readonly TempDirectory _dir = new();
    private NamespaceOrigin? _server;
    private Process? _appliance;

    private TransparentLab(string suffix)
    {
        _client = "egc" + suffix;
        _box = "ega" + suffix;
        _origin = "ego" + suffix;
        _hostsDir = "/etc/netns/" + _box;
        Pki = new TestPki(_dir.Path);
    }

    /// <summary>The origin's CA (what a client trusts when it sees the origin's own certificate).</summary>
    public TestPki Pki { get; }

    /// <summary>The appliance CA (PEM), written at its first start.</summary>
    public string ApplianceCaPath => Path.Combine(_dir.Path, "data", "tls", "ca.crt");

    /// <summary>Builds the namespaces and starts the origin and the appliance; <paramref name="mode"/> is <c>redirect</c> or <c>tproxy</c>.</summary>
    public static async Task<TransparentLab> StartAsync(string mode)
    {
        var n = (Environment.ProcessId % 1000).ToString(CultureInfo.InvariantCulture) + (mode == "tproxy" ? "t" : "r");
        var lab = new TransparentLab(n);
        try
        {
            await lab.SetUpAsync(mode, n);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>curl in the client namespace.</summary>
    public Task<ProcessRunner.Result> CurlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", _client, "curl", "-sS", "--max-time", "15", .. arguments], TimeSpan.FromSeconds(30));

    /// <summary>Stops the appliance (SIGTERM) and returns the ledger as JSON lines.</summary>
    public async Task<string[]> StopAndQueryLedgerAsync()
    {
        Assert.Equal(0, await EgressGuardCli.StopAsync(_appliance!));
        var ledger = await EgressGuardCli.RunAsync(_dir.Path, "ledger", "query", "--config", _dir.File("egressguard.json"));
        Assert.True(ledger.ExitCode == 0, ledger.StandardError);
        return ledger.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_appliance is { HasExited: false })
        {
            _appliance.Kill(entireProcessTree: true);
        }

        _appliance?.Dispose();
        _server?.Dispose();
        await ProcessRunner.RunAsync("bash", ["-c", $"ip netns del {_client}; ip netns del {_box}; ip netns del {_origin}; rm -rf {_hostsDir}; true"], TimeSpan.FromSeconds(60));
        Pki.Dispose();
        _dir.Dispose();
    }

    private async Task SetUpAsync(string mode, string n)
    {
        // nodad: IPv6 addresses usable at once (no duplicate address detection delay).
        await ShAsync($"""
            set -e
            ip netns add {_client}; ip netns add {_box}; ip netns add {_origin}
            ip link add vc{n} type veth peer name va{n}
            ip link set vc{n} netns {_client}; ip link set va{n} netns {_box}
            ip link add vo{n} type veth peer name vb{n}
            ip link set vo{n} netns {_origin}; ip link set vb{n} netns {_box}
            ip -n {_client} link set lo up; ip -n {_box} link set lo up; ip -n {_origin} link set lo up
            ip -n {_client} addr add 10.77.1.2/24 dev vc{n}; ip -n {_client} addr add fd77:1::2/64 dev vc{n} nodad
            ip -n {_client} link set vc{n} up
            ip -n {_client} route add default via 10.77.1.1; ip -n {_client} -6 route add default via fd77:1::1
            ip -n {_box} addr add 10.77.1.1/24 dev va{n}; ip -n {_box} addr add fd77:1::1/64 dev va{n} nodad; ip -n {_box} link set va{n} up
            ip -n {_box} addr add 10.77.2.1/24 dev vb{n}; ip -n {_box} addr add fd77:2::1/64 dev vb{n} nodad; ip -n {_box} link set vb{n} up
            ip -n {_origin} addr add 10.77.2.2/24 dev vo{n}; ip -n {_origin} addr add 10.77.2.3/24 dev vo{n}
            ip -n {_origin} addr add fd77:2::2/64 dev vo{n} nodad; ip -n {_origin} addr add fd77:2::3/64 dev vo{n} nodad
            ip -n {_origin} link set vo{n} up
            ip -n {_origin} route add default via 10.77.2.1; ip -n {_origin} -6 route add default via fd77:2::1
            ip netns exec {_box} {RepositoryPaths.Root}/appliance/transparent/setup.sh on {mode} va{n} 3129
            mkdir -p {_hostsDir}
            printf '127.0.0.1 localhost\n10.77.2.3 us.example.test\nfd77:2::3 us.example.test\n10.77.2.2 cn.example.test\nfd77:2::2 cn.example.test\n' > {_hostsDir}/hosts
            """);
        _server = new NamespaceOrigin(_origin, Pki.Issue("us.example.test", null, false, "cn.example.test"));

        File.WriteAllText(_dir.File("assessments.json"), """
            [{ "Id": "SCC-US-1", "Recipient": "US Example Inc.", "Mechanism": "StandardContract",
               "Destinations": ["us.example.test"], "Categories": ["*"], "ValidFrom": "2020-01-01", "ValidTo": "2099-12-31" }]
            """);
        File.WriteAllText(_dir.File("egressguard.json"), $$"""
            {
              "Mode": "Enforce",
              "DataDirectory": "data",
              "Proxy": { "Listen": ["127.0.0.1:3128"], "AllowedClients": ["10.77.1.0/24", "fd77:1::/64", "127.0.0.0/8"],
                         "AllowPrivateDestinations": ["10.77.2.0/24", "fd77:2::/64"], "ConnectPorts": ["*"] },
              "Inspection": { "Enabled": false },
              "Geo": { "Database": "{{RepositoryPaths.Data("geoip", "GeoIP2-Country-Test.mmdb")}}",
                       "Overrides": [ { "Network": "10.77.2.2/32", "Country": "CN" }, { "Network": "10.77.2.3/32", "Country": "US" },
                                      { "Network": "fd77:2::2/128", "Country": "CN" }, { "Network": "fd77:2::3/128", "Country": "US" } ] },
              "Assessments": { "File": "assessments.json" },
              "Transparent": { "Enabled": true, "Listen": ["[::]:3129"], "Mode": "{{(mode == "tproxy" ? "TProxy" : "Redirect")}}" },
              "Tls": { "Mode": "Intercept", "Bypass": ["us.example.test"], "UpstreamTrust": ["{{Pki.PemPath}}"] }
            }
            """);
        _appliance = EgressGuardCli.StartInNamespace(_box, _dir.Path, "run", "--config", _dir.File("egressguard.json"));
        await WaitForHealthAsync();
    }

    private static async Task ShAsync(string script)
    {
        var result = await ProcessRunner.RunAsync("bash", ["-c", script], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, "setup failed: " + result.StandardError + result.StandardOutput);
    }

    private async Task WaitForHealthAsync()
    {
        for (var i = 0; i < 150; i++)
        {
            Assert.False(_appliance!.HasExited, "egressguard run exited early with code " + (_appliance.HasExited ? _appliance.ExitCode : 0));
            var health = await ProcessRunner.RunAsync("ip", ["netns", "exec", _box, "curl", "-sf", "--max-time", "2", "http://127.0.0.1:3128/healthz"], TimeSpan.FromSeconds(10));
            if (health.ExitCode == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("egressguard did not become healthy in the namespace within 15 s");
    }
}
