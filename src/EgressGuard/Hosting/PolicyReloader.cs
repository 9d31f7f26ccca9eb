using System.Security.Cryptography;
using EgressGuard.Configuration;
using EgressGuard.Policy;
using EgressGuard.Policy.Registry;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>
/// Hot reload: a registry change (this process at once through its event; another process, such as
/// the CLI, within a poll through SQLite's data_version), an assessment-file import, or a change of
/// the config file's policy settings (mode, clients, source groups, thresholds, jurisdictions) each
/// publish one new snapshot with one atomic swap. A config change that does not validate is refused
/// with every error logged; the running snapshot stays. Listener addresses, data directory and geo
/// database need a restart.
/// </summary>
public sealed class PolicyReloader : IDisposable
{
    private readonly PolicyStore _store;
    private readonly SqliteAssessmentRegistry _registry;
    private readonly AssessmentFileWatcher _file;
    private readonly ILogger _logger;
    private readonly Timer _poll;
    private readonly Lock _gate = new();
    private ApplianceSettings _settings;
    private string? _configHash;
    private int _disposed;

    /// <summary>Starts polling every <paramref name="interval"/>.</summary>
    public PolicyReloader(ApplianceSettings settings, PolicyStore store, SqliteAssessmentRegistry registry, AssessmentFileWatcher file, ILogger logger, TimeSpan interval)
    {
        _settings = settings;
        _store = store;
        _registry = registry;
        _file = file;
        _logger = logger;
        _configHash = HashOf(settings.SourceFile);
        _registry.Changed += OnRegistryChanged;
        _poll = new Timer(_ => Poll(), null, interval, interval);
    }

    /// <summary>Checks everything now.</summary>
    public void Poll()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _registry.Poll();
            _file.Check();
            CheckConfig();
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>Re-reads the config file now; returns the errors when it was refused.</summary>
    public IReadOnlyList<string> CheckConfig()
    {
        var file = _settings.SourceFile;
        if (file is null)
        {
            return [];
        }

        lock (_gate)
        {
            var hash = HashOf(file);
            if (hash is null || hash == _configHash)
            {
                return [];
            }

            _configHash = hash;
            var loaded = ConfigLoader.Load(file);
            if (!loaded.Succeeded)
            {
                foreach (var error in loaded.Errors)
                {
                    PolicyLog.ConfigRejected(_logger, file, error);
                }

                return loaded.Errors;
            }

            _settings = loaded.Settings!;
            Rebuild("config");
            return [];
        }
    }

    /// <summary>Publishes a snapshot from the current settings and registry.</summary>
    public void Rebuild(string why)
    {
        lock (_gate)
        {
            var settings = _settings;
            var snapshot = _store.Publish(_ => PolicyFactory.Create(settings, _registry.Current()));
            PolicyLog.Published(_logger, snapshot.Generation, why, snapshot.Assessments.Records.Count, snapshot.SourceGroups.Groups.Count);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _registry.Changed -= OnRegistryChanged;
        _poll.Dispose();
    }

    private void OnRegistryChanged() => Rebuild("registry");

    private static string? HashOf(string? path)
    {
        try
        {
            return path is not null && File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
