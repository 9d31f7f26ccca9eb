using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// The appliance's checkpoint signing key: ECDSA P-256, signatures DER-encoded over SHA-256 of the
/// note text (C2SP signed-note type 0x02). Holds the private key; dispose it when done. Not
/// thread-safe: one checkpoint writer signs.
/// </summary>
public sealed class CheckpointSigningKey : IDisposable
{
    private readonly ECDsa _ecdsa;

    private CheckpointSigningKey(string name, ECDsa ecdsa, CheckpointPublicKey publicKey)
    {
        Name = name;
        _ecdsa = ecdsa;
        PublicKey = publicKey;
    }

    /// <summary>The key name written in signature lines (normally the checkpoint origin).</summary>
    public string Name { get; }

    /// <summary>The matching verification key.</summary>
    public CheckpointPublicKey PublicKey { get; }

    /// <summary>A fresh random P-256 key.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid note key name.</exception>
    public static CheckpointSigningKey Generate(string name)
    {
        if (!NoteName.IsValid(name))
        {
            throw new ArgumentException("Key name must be non-empty, without spaces, control characters or '+'.", nameof(name));
        }

        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = FromEcdsa(name, ecdsa, out var error);
        if (key is null)
        {
            ecdsa.Dispose();
            throw new CryptographicException("Could not create a P-256 key: " + error);
        }

        return key;
    }

    /// <summary>Loads a key from a PEM <c>PRIVATE KEY</c> (PKCS#8) block; false with a reason otherwise.</summary>
    public static bool TryFromPem(string name, string pem, [NotNullWhen(true)] out CheckpointSigningKey? key, out string error)
    {
        key = null;
        if (!NoteName.IsValid(name))
        {
            error = "key name must be non-empty, without spaces, control characters or '+'";
            return false;
        }

        if (string.IsNullOrEmpty(pem) || !PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("PRIVATE KEY"))
        {
            error = "expected a PRIVATE KEY (PKCS#8) PEM block";
            return false;
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            key = FromEcdsa(name, ecdsa, out error);
            if (key is null)
            {
                ecdsa.Dispose();
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            error = "not an EC private key: " + e.Message;
            return false;
        }
    }

    /// <summary>The private key as PEM <c>PRIVATE KEY</c> (unencrypted PKCS#8): write it only to a 0600 file.</summary>
    public string ExportPrivateKeyPem() => _ecdsa.ExportPkcs8PrivateKeyPem();

    /// <inheritdoc />
    public void Dispose() => _ecdsa.Dispose();

    /// <summary>A DER ECDSA signature over SHA-256 of <paramref name="data"/>.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data) =>
        _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private static CheckpointSigningKey? FromEcdsa(string name, ECDsa ecdsa, out string error)
    {
        if (!CheckpointPublicKey.TryCreate(name, ecdsa.ExportSubjectPublicKeyInfo(), out var publicKey, out error))
        {
            return null;
        }

        return new CheckpointSigningKey(name, ecdsa, publicKey);
    }
}
