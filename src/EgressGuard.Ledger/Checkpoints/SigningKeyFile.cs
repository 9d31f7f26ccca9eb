using System.Security.Cryptography;
using System.Text;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// The checkpoint signing key on disk: one PEM <c>PRIVATE KEY</c> (PKCS#8) file, created at first
/// start with mode 0600 and replaced atomically (write a 0600 temporary file, flush to disk, rename)
/// so a crash leaves either the old or the new key, never half of one. Failures are returned as
/// error text, not thrown.
/// </summary>
public static class SigningKeyFile
{
    /// <summary>The file name under the ledger directory.</summary>
    public const string DefaultFileName = "checkpoint-signing-key.pem";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Loads the key at <paramref name="path"/>, or generates one and writes it (mode 0600) when no file
    /// exists. Refuses a key file that group or others can access, as ssh does.
    /// </summary>
    public static SigningKeyLoadResult LoadOrCreate(string path, string keyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            if (File.Exists(path))
            {
                return Load(path, keyName);
            }

            var key = CheckpointSigningKey.Generate(keyName);
            var error = WriteAtomically(path, key.ExportPrivateKeyPem(), replace: false);
            if (error is not null)
            {
                key.Dispose();

                // Another process may have created it first: use theirs.
                return File.Exists(path) ? Load(path, keyName) : new SigningKeyLoadResult { Error = error };
            }

            return new SigningKeyLoadResult { Key = key, Created = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            return new SigningKeyLoadResult { Error = $"signing key '{path}': {e.Message}" };
        }
    }

    /// <summary>
    /// Replaces the key at <paramref name="path"/> with a new one. The old public key is archived next
    /// to it as <c>&lt;file&gt;.&lt;keyid&gt;.pub.pem</c>; the old private key is gone from disk once
    /// this returns. The caller then appends a <see cref="Canonical.LedgerEntryKind.KeyRotation"/>
    /// entry (<see cref="KeyRotationEvent.Create"/>) and signs the next checkpoint with both keys.
    /// </summary>
    public static KeyRotationResult Rotate(string path, string keyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var loaded = Load(path, keyName);
        if (loaded.Key is not { } oldKey)
        {
            return new KeyRotationResult { Error = loaded.Error };
        }

        CheckpointSigningKey? newKey = null;
        try
        {
            newKey = CheckpointSigningKey.Generate(keyName);
            var retired = Path.Combine(
                Path.GetDirectoryName(Path.GetFullPath(path))!,
                Path.GetFileNameWithoutExtension(path) + "." + oldKey.PublicKey.KeyIdHex + ".pub.pem");
            File.WriteAllText(retired, oldKey.PublicKey.ExportPem(), Encoding.ASCII);
            var error = WriteAtomically(path, newKey.ExportPrivateKeyPem(), replace: true);
            if (error is not null)
            {
                newKey.Dispose();
                oldKey.Dispose();
                return new KeyRotationResult { Error = error };
            }

            return new KeyRotationResult { OldKey = oldKey, NewKey = newKey, RetiredPublicKeyPath = retired };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            newKey?.Dispose();
            oldKey.Dispose();
            return new KeyRotationResult { Error = $"signing key '{path}': {e.Message}" };
        }
    }

    private static SigningKeyLoadResult Load(string path, string keyName)
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & GroupOrOther) != 0)
                {
                    return new SigningKeyLoadResult
                    {
                        Error = $"signing key '{path}': permissions {ToOctal(mode)} are too open; expected 0600 (chmod 600)",
                    };
                }
            }

            var pem = File.ReadAllText(path, Encoding.ASCII);
            if (!CheckpointSigningKey.TryFromPem(keyName, pem, out var key, out var error))
            {
                return new SigningKeyLoadResult { Error = $"signing key '{path}': {error}" };
            }

            return new SigningKeyLoadResult { Key = key };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SigningKeyLoadResult { Error = $"signing key '{path}': {e.Message}" };
        }
    }

    private static string? WriteAtomically(string path, string content, bool replace)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var temp = full + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600 from the first byte: the key is never readable by others, not even briefly.
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            if (!replace && File.Exists(full))
            {
                File.Delete(temp);
                return $"signing key '{path}': already exists";
            }

            File.Move(temp, full, overwrite: replace);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            return $"signing key '{path}': {e.Message}";
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file holds a key that was never used.
        }
    }

    private static string ToOctal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
