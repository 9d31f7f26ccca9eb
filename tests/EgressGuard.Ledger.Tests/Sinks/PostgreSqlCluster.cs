using System.Net;
using System.Net.Sockets;
using EgressGuard.Tests.Common;
using Npgsql;

namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>
/// A throwaway PostgreSQL cluster for the sink tests: <c>initdb</c> and <c>pg_ctl</c> run as the
/// <c>postgres</c> user (<c>runuser</c>), in a temporary directory, on a free loopback port with the
/// unix socket in that directory; stopped and removed at the end. Needs root and the PostgreSQL
/// server binaries (<c>/usr/lib/postgresql/*/bin</c>; <c>tests/run.sh</c> installs them).
/// </summary>
public sealed class PostgreSqlCluster : IAsyncLifetime
{
    private string? _root;
    private string? _bin;

    /// <summary>Why the cluster cannot run here, or null when it can.</summary>
    public static string? Unavailable { get; } = FindUnavailableReason();

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(_root!, "data");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    public async Task InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        _bin = FindBinaries()!;
        _root = Directory.CreateTempSubdirectory("egressguard-pg-").FullName;
        await Run("chown", "-R", "postgres:postgres", _root);
        await RunAsPostgres(Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>Starts (or restarts) the server.</summary>
    public Task StartAsync() => RunAsPostgres(
        Path.Combine(_bin!, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(_root!, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50", "start");

    /// <summary>Stops the server the way a crash or a pulled cable looks to clients (<c>-m immediate</c>).</summary>
    public Task StopImmediateAsync() => RunAsPostgres(Path.Combine(_bin!, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin!, "pg_ctl"), "-D", DataDirectory, "-m", "fast", "-w", "stop"], TimeSpan.FromSeconds(60));
        Directory.Delete(_root, recursive: true);
    }

    private static string? FindBinaries()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static string? FindUnavailableReason()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "PostgreSQL sink tests start a throwaway cluster with runuser and need root (CI runs tests/run.sh as root)";
        }

        return FindBinaries() is null
            ? "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are absent; tests/run.sh installs the postgresql package"
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsPostgres(string program, params string[] arguments) => Run("runuser", ["-u", "postgres", "--", program, .. arguments]);

    private static async Task Run(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, TimeSpan.FromSeconds(120));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        }
    }
}
