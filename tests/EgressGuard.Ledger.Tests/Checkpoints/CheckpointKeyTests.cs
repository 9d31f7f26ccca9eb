using System.Security.Cryptography;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Checkpoints;

public sealed class CheckpointKeyTests
{
    [Fact]
    public void PublicKey_PemAndVerifierKey_RoundTrip()
    {
        using var key = CheckpointSigningKey.Generate(CheckpointSamples.Origin);

        Assert.True(CheckpointPublicKey.TryFromPem(CheckpointSamples.Origin, key.PublicKey.ExportPem(), out var fromPem, out var error), error);
        Assert.Equal(key.PublicKey.KeyId, fromPem.KeyId);
        Assert.True(fromPem.SubjectPublicKeyInfo.SequenceEqual(key.PublicKey.SubjectPublicKeyInfo));

        var vkey = key.PublicKey.ToVerifierKey();
        Assert.StartsWith(CheckpointSamples.Origin + "+" + key.PublicKey.KeyIdHex + "+Aj", vkey, StringComparison.Ordinal); // 0x02 ‖ SPKI
        Assert.True(CheckpointPublicKey.TryParseVerifierKey(vkey, out var fromVkey, out error), error);
        Assert.Equal(key.PublicKey.KeyId, fromVkey.KeyId);
        Assert.Equal(CheckpointSamples.Origin, fromVkey.Name);
    }

    [Fact]
    public void PublicKey_PemFromOpenSslStyleExport_IsAccepted()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.True(CheckpointPublicKey.TryFromPem("n", ecdsa.ExportSubjectPublicKeyInfoPem(), out var key, out _));
        Assert.Equal(ecdsa.ExportSubjectPublicKeyInfo(), key.SubjectPublicKeyInfo.ToArray());
    }

    [Fact]
    public void PublicKey_WrongInputs_AreRefusedWithReasons()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        using var key = CheckpointSigningKey.Generate("n");
        var vkey = key.PublicKey.ToVerifierKey();

        Assert.False(CheckpointPublicKey.TryFromPem("n", p384.ExportSubjectPublicKeyInfoPem(), out _, out var error));
        Assert.Contains("P-256", error, StringComparison.Ordinal);
        Assert.False(CheckpointPublicKey.TryFromPem("n", rsa.ExportSubjectPublicKeyInfoPem(), out _, out _));
        Assert.False(CheckpointPublicKey.TryFromPem("n", key.ExportPrivateKeyPem(), out _, out _));
        Assert.False(CheckpointPublicKey.TryFromPem("n", "not pem", out _, out _));
        Assert.False(CheckpointPublicKey.TryFromPem("bad name", key.PublicKey.ExportPem(), out _, out _));
        Assert.False(CheckpointPublicKey.TryParseVerifierKey(vkey.Replace("+" + key.PublicKey.KeyIdHex + "+", "+00000000+", StringComparison.Ordinal), out _, out error));
        Assert.Contains("does not match", error, StringComparison.Ordinal);
        Assert.False(CheckpointPublicKey.TryParseVerifierKey("n+00000000+AQ==", out _, out _));
        Assert.False(CheckpointPublicKey.TryParseVerifierKey("garbage", out _, out _));
        Assert.False(CheckpointPublicKey.TryParseVerifierKey(null!, out _, out _));
    }

    [Fact]
    public void SigningKey_PemRoundTrip_KeepsTheKey()
    {
        using var key = CheckpointSigningKey.Generate("n");

        Assert.True(CheckpointSigningKey.TryFromPem("n", key.ExportPrivateKeyPem(), out var again, out var error), error);
        using (again)
        {
            Assert.Equal(key.PublicKey.KeyId, again.PublicKey.KeyId);
        }

        Assert.False(CheckpointSigningKey.TryFromPem("n", key.PublicKey.ExportPem(), out _, out _));
        Assert.False(CheckpointSigningKey.TryFromPem("n", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", out _, out _));
        Assert.Throws<ArgumentException>(() => CheckpointSigningKey.Generate("a+b"));
    }

    [Fact]
    public void LoadOrCreate_FirstStart_WritesOwnerOnlyPemAndLaterLoadsIt()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "ledger", SigningKeyFile.DefaultFileName);

        var first = SigningKeyFile.LoadOrCreate(path, CheckpointSamples.Origin);
        using var created = first.Key;
        Assert.Null(first.Error);
        Assert.True(first.Created);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var second = SigningKeyFile.LoadOrCreate(path, CheckpointSamples.Origin);
        using var loaded = second.Key;
        Assert.False(second.Created);
        Assert.Equal(created!.PublicKey.KeyId, loaded!.PublicKey.KeyId);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void LoadOrCreate_KeyReadableByOthers_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        var path = dir.File(SigningKeyFile.DefaultFileName);
        SigningKeyFile.LoadOrCreate(path, "n").Key!.Dispose();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = SigningKeyFile.LoadOrCreate(path, "n");

        Assert.Null(result.Key);
        Assert.Contains("0644", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_GarbageFile_IsAnErrorNotAnException()
    {
        using var dir = new TempDirectory();
        var path = dir.File(SigningKeyFile.DefaultFileName);
        File.WriteAllText(path, "hello");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var result = SigningKeyFile.LoadOrCreate(path, "n");

        Assert.Null(result.Key);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void Rotate_ReplacesTheKeyAndArchivesTheOldPublicKey()
    {
        using var dir = new TempDirectory();
        var path = dir.File(SigningKeyFile.DefaultFileName);
        using var original = SigningKeyFile.LoadOrCreate(path, "n").Key!;

        var rotation = SigningKeyFile.Rotate(path, "n");
        using var oldKey = rotation.OldKey;
        using var newKey = rotation.NewKey;

        Assert.Null(rotation.Error);
        Assert.Equal(original.PublicKey.KeyId, oldKey!.PublicKey.KeyId);
        Assert.NotEqual(oldKey.PublicKey.KeyId, newKey!.PublicKey.KeyId);
        using (var reloaded = SigningKeyFile.LoadOrCreate(path, "n").Key!)
        {
            Assert.Equal(newKey.PublicKey.KeyId, reloaded.PublicKey.KeyId);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.True(CheckpointPublicKey.TryFromPem("n", File.ReadAllText(rotation.RetiredPublicKeyPath!), out var retired, out _));
        Assert.Equal(oldKey.PublicKey.KeyId, retired.KeyId);
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length); // key + retired public key, no temporary files

        // The old key still signs in memory, for the checkpoint that covers the rotation entry.
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), [oldKey, newKey]);
        Assert.True(CheckpointNote.Verify(note, oldKey.PublicKey).IsValid);
    }

    [Fact]
    public void Rotate_WithoutKeyFile_IsAnError()
    {
        using var dir = new TempDirectory();

        var rotation = SigningKeyFile.Rotate(dir.File("missing.pem"), "n");

        Assert.NotNull(rotation.Error);
        Assert.Null(rotation.NewKey);
    }

    [Fact]
    public void KeyRotationEvent_CarriesBothVerifierKeys()
    {
        using var oldKey = CheckpointSigningKey.Generate("n");
        using var newKey = CheckpointSigningKey.Generate("n");

        var e = KeyRotationEvent.Create(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, oldKey.PublicKey, newKey.PublicKey);

        Assert.Equal(LedgerEntryKind.KeyRotation, e.Kind);
        Assert.Equal(oldKey.PublicKey.ToVerifierKey(), e.Detail);
        Assert.True(KeyRotationEvent.TryGetNewKey(e, out var announced));
        Assert.Equal(newKey.PublicKey.KeyId, announced.KeyId);
        Assert.False(KeyRotationEvent.TryGetNewKey(e with { Kind = LedgerEntryKind.Purge }, out _));
    }
}
