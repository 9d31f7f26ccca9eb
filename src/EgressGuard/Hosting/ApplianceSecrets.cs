using System.Security.Cryptography;

namespace EgressGuard.Hosting;

/// <summary>
/// The appliance's secrets under <c>{DataDirectory}/secrets/</c>, created at first start with mode
/// 0600. The fingerprint key makes finding fingerprints (HMAC-SHA256 of a normalised value) useful
/// for counting distinct people on this box while being useless to anyone without the key.
/// </summary>
public static class ApplianceSecrets
{
    private const int KeyBytes = 32;

    /// <summary>Loads the fingerprint key, creating it on first use. Returns an error text instead of throwing.</summary>
    public static byte[]? LoadOrCreateFingerprintKey(string dataDirectory, out string? error)
    {
        var directory = Path.Combine(dataDirectory, "secrets");
        var path = Path.Combine(directory, "fingerprint.key");
        try
        {
            if (File.Exists(path))
            {
                var existing = File.ReadAllBytes(path);
                if (existing.Length != KeyBytes)
                {
                    error = $"fingerprint key '{path}': expected {KeyBytes} bytes, found {existing.Length}; restore it from backup (a new key would break distinct-person counts)";
                    return null;
                }

                error = null;
                return existing;
            }

            Directory.CreateDirectory(directory);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var key = RandomNumberGenerator.GetBytes(KeyBytes);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            error = null;
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"fingerprint key '{path}': {e.Message}";
            return null;
        }
    }
}
