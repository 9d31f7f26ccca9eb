using System.Security.Cryptography;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Registry;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Hosting;

/// <summary>
/// The assessment file (<c>Assessments:File</c>) as an import source for the registry, which is the
/// source of truth. When the file's content (SHA-256) differs from the last one imported — remembered
/// in the registry, so a restart does not re-apply an old file over later changes — its records are
/// validated and merged by Id (new ids created, changed records get a new version, records missing
/// from the file stay). An invalid file is rejected with every error logged and nothing changes.
/// Checked by the policy reloader's poll (and at once by <see cref="Check"/>).
/// </summary>
public sealed class AssessmentFileWatcher
{
    private readonly string _path;
    private readonly SqliteAssessmentRegistry _registry;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private string? _lastSeen;

    /// <summary>Creates the importer.</summary>
    public AssessmentFileWatcher(string path, SqliteAssessmentRegistry registry, ILogger logger)
    {
        _path = path;
        _registry = registry;
        _logger = logger;
    }

    private string MetaKey => "import-sha256:" + _path;

    /// <summary>Imports the file if its content changed since the last import. Returns the errors (empty when fine or unchanged).</summary>
    public IReadOnlyList<string> Check()
    {
        lock (_gate)
        {
            byte[] bytes;
            try
            {
                if (!File.Exists(_path))
                {
                    return [];
                }

                bytes = File.ReadAllBytes(_path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return []; // being written; the next poll retries
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (hash == _lastSeen || hash == _registry.GetMeta(MetaKey))
            {
                _lastSeen = hash;
                return [];
            }

            _lastSeen = hash;
            var result = bytes.Length > AssessmentFileReader.MaxFileBytes ? AssessmentFileReader.ReadFile(_path) : AssessmentFileReader.Read(bytes);
            IReadOnlyList<string> errors = result.Errors;
            if (result.Succeeded)
            {
                var imported = _registry.Import(result.Records, "file:" + _path);
                errors = imported.Errors;
                if (imported.Succeeded)
                {
                    _registry.SetMeta(MetaKey, hash);
                    PolicyLog.Imported(_logger, _path, imported.Added, imported.Changed, imported.Unchanged);
                }
            }

            foreach (var error in errors)
            {
                ApplianceLog.AssessmentsRejected(_logger, _path, error);
            }

            return errors;
        }
    }
}
