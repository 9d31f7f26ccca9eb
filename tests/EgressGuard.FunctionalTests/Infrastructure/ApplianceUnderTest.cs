using EgressGuard.Configuration;
using EgressGuard.Hosting;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Infrastructure;

/// <summary>
/// The real appliance started in-process on 127.0.0.1:0 with a temp data directory and the MaxMind
/// test country database. Geo overrides make 127.0.0.2 the US, 127.0.0.3 China and 127.0.0.4 Hong
/// Kong; those three are allowed as private destinations so loopback origins can stand in for them.
/// </summary>
internal sealed class ApplianceUnderTest : IAsyncDisposable
{
    private ApplianceUnderTest(RunningAppliance running, TempDirectory directory, ApplianceSettings settings)
    {
        Running = running;
        Directory = directory;
        Settings = settings;
    }

    public RunningAppliance Running { get; }

    public TempDirectory Directory { get; }

    public ApplianceSettings Settings { get; }

    public string ProxyUrl => $"http://{Running.ProxyEndpoints[0]}";

    public int ProxyPort => Running.ProxyEndpoints[0].Port;

    public string ConsoleUrl => $"http://{Running.ConsoleEndpoints[0]}";

    public static Dictionary<string, string?> DefaultConfig(TempDirectory directory) => new()
    {
        ["Mode"] = "Enforce",
        ["DataDirectory"] = directory.Path,
        ["Proxy:Listen:0"] = "127.0.0.1:0",
        ["Proxy:AllowedClients:0"] = "127.0.0.1/32",
        ["Proxy:AllowPrivateDestinations:0"] = "127.0.0.2/32",
        ["Proxy:AllowPrivateDestinations:1"] = "127.0.0.3/32",
        ["Proxy:AllowPrivateDestinations:2"] = "127.0.0.4/32",
        ["Proxy:ConnectPorts:0"] = "*",
        ["Proxy:HeaderTimeout"] = "2s",
        ["Console:Listen:0"] = "127.0.0.1:0",

        // The spine tests check destination-level policy (every outbound request needs a record);
        // the inspection tests turn content inspection on.
        ["Inspection:Enabled"] = "false",
        ["Geo:Database"] = RepositoryPaths.Data("geoip", "GeoIP2-Country-Test.mmdb"),
        ["Geo:Overrides:0:Network"] = "127.0.0.2/32",
        ["Geo:Overrides:0:Country"] = "US",
        ["Geo:Overrides:1:Network"] = "127.0.0.3/32",
        ["Geo:Overrides:1:Country"] = "CN",
        ["Geo:Overrides:2:Network"] = "127.0.0.4/32",
        ["Geo:Overrides:2:Country"] = "HK",
        ["Assessments:File"] = directory.File("assessments.json"),
    };

    public static async Task<ApplianceUnderTest> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        string? assessmentsJson = null,
        IReadOnlyDictionary<string, string>? hosts = null,
        Microsoft.Extensions.Logging.ILoggerProvider? logs = null)
    {
        var directory = new TempDirectory();
        var config = DefaultConfig(directory);
        configure?.Invoke(config);
        if (assessmentsJson is not null)
        {
            File.WriteAllText(directory.File("assessments.json"), assessmentsJson);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var loaded = ConfigLoader.Validate(configuration, directory.Path, null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var started = await Appliance.StartAsync(loaded.Settings!, new ApplianceStartOptions
        {
            HostResolver = hosts is null ? null : new MappedHostResolver(hosts),
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            LoggerProvider = logs,
        });
        Assert.True(started.Appliance is not null, string.Join("\n", started.Errors));
        return new ApplianceUnderTest(started.Appliance!, directory, loaded.Settings!);
    }

    /// <summary>Replaces the assessment file the way an editor or import does (write beside, rename over).</summary>
    public void WriteAssessments(string json)
    {
        var temp = Directory.File("assessments.json.tmp");
        File.WriteAllText(temp, json);
        File.Move(temp, Directory.File("assessments.json"), overwrite: true);
    }

    public async Task<IReadOnlyList<TransferRecord>> RecordsAsync(TransferQuery? query = null)
    {
        await Running.Ledger.FlushAsync();
        return Running.Ledger.Query(query ?? new TransferQuery());
    }

    /// <summary>Waits (bounded) until a record with <paramref name="predicate"/> is in the ledger; tunnels are recorded when they close.</summary>
    public async Task<TransferRecord> WaitForRecordAsync(Func<TransferRecord, bool> predicate) =>
        (await WaitForAsync(records => records.FirstOrDefault(predicate), "no matching transfer record"))!;

    /// <summary>
    /// Waits (bounded) until the ledger holds at least <paramref name="count"/> records: the proxy records
    /// a request after answering it, so a client can finish before its record is appended.
    /// </summary>
    public Task<IReadOnlyList<TransferRecord>> WaitForRecordsAsync(int count) =>
        WaitForAsync(records => records.Count >= count ? records : null, $"fewer than {count} transfer records");

    private async Task<T> WaitForAsync<T>(Func<IReadOnlyList<TransferRecord>, T?> pick, string failure)
        where T : class
    {
        for (var i = 0; i < 100; i++)
        {
            if (pick(await RecordsAsync()) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException(failure + " within 10 s; records: " + string.Join("\n", await RecordsAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        await Running.DisposeAsync();
        Directory.Dispose();
    }
}
