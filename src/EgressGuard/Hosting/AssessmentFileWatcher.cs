using System.Security.Cryptography;
using EgressGuard.Policy;
using EgressGuard.Policy.Assessments;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>
/// Watches the assessment file and publishes a new policy snapshot when its content changes. A
/// file-system event triggers an immediate check and a 1-second poll catches what events miss
/// (network and overlay file systems); only a change of content (SHA-256) reloads. An invalid file
/// is rejected with every error logged and the running snapshot stays; a vanished file (an editor
/// mid-save) keeps the previous records.
/// </summary>
public sealed class AssessmentFileWatcher : IDisposable
{
    private readonly string _path;
    private readonly PolicyStore _store;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _poll;
    private readonly Lock _gate = new();
    private byte[]? _lastHash;

    /// <summary>Starts watching; <paramref name="initialHash"/> is the content already in force.</summary>
    public AssessmentFileWatcher(string path, PolicyStore store, ILogger logger, byte[]? initialHash)
    {
        _path = path;
        _store = store;
        _logger = logger;
        _lastHash = initialHash;
        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
        {
            _watcher = new FileSystemWatcher(directory, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => Check();
            _watcher.Created += (_, _) => Check();
            _watcher.Renamed += (_, _) => Check();
            _watcher.EnableRaisingEvents = true;
        }

        _poll = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Reads the file once: the records, the content hash, or the errors.</summary>
    public static (AssessmentLoadResult Result, byte[]? Hash) Read(string path)
    {
        if (!File.Exists(path))
        {
            return (AssessmentFileReader.Read("[]"u8), null);
        }

        var result = AssessmentFileReader.ReadFile(path);
        byte[]? hash = null;
        try
        {
            hash = SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (IOException)
        {
        }

        return (result, hash);
    }

    /// <summary>Checks the file now (also called by events and the poll).</summary>
    public void Check()
    {
        lock (_gate)
        {
            if (!File.Exists(_path))
            {
                if (_lastHash is not null)
                {
                    ApplianceLog.AssessmentsDisappeared(_logger, _path);
                    _lastHash = null;
                }

                return;
            }

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(_path);
            }
            catch (IOException)
            {
                return; // being written; the next event or poll retries
            }

            var hash = SHA256.HashData(bytes);
            if (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash))
            {
                return;
            }

            _lastHash = hash;
            var result = bytes.Length > AssessmentFileReader.MaxFileBytes ? AssessmentFileReader.ReadFile(_path) : AssessmentFileReader.Read(bytes);
            if (!result.Succeeded)
            {
                foreach (var error in result.Errors)
                {
                    ApplianceLog.AssessmentsRejected(_logger, _path, error);
                }

                return;
            }

            var snapshot = _store.Publish(old => old with { Assessments = new AssessmentIndex(result.Records) });
            ApplianceLog.AssessmentsLoaded(_logger, _path, result.Records.Count, snapshot.Generation);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watcher?.Dispose();
        _poll.Dispose();
    }
}
