using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// A checkpoint verification key: a name (the note key name, normally the origin) and an ECDSA P-256
/// public key. Signature type 0x02 of C2SP signed-note: key id = first four bytes (big-endian) of
/// SHA-256 over the DER SubjectPublicKeyInfo. Immutable and safe to share.
/// </summary>
public sealed class CheckpointPublicKey
{
    /// <summary>The C2SP signed-note signature type byte for ECDSA (as in transparency-dev/witness and Sigstore).</summary>
    public const byte SignatureType = 0x02;

    private const string NistP256Oid = "1.2.840.10045.3.1.7";

    private readonly byte[] _subjectPublicKeyInfo;

    private CheckpointPublicKey(string name, byte[] subjectPublicKeyInfo)
    {
        Name = name;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(subjectPublicKeyInfo, hash);
        KeyId = BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>The key name in signature lines.</summary>
    public string Name { get; }

    /// <summary>SHA-256(SubjectPublicKeyInfo DER)[0..4], big-endian: the first four bytes of every signature by this key.</summary>
    public uint KeyId { get; }

    /// <summary>The key id as 8 lowercase hex digits.</summary>
    public string KeyIdHex => KeyId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public ReadOnlySpan<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>A key from a name and a DER SubjectPublicKeyInfo; false with a reason unless it is a P-256 key and the name is valid.</summary>
    public static bool TryCreate(string name, ReadOnlySpan<byte> subjectPublicKeyInfo, [NotNullWhen(true)] out CheckpointPublicKey? key, out string error)
    {
        key = null;
        if (!NoteName.IsValid(name))
        {
            error = "key name must be non-empty, without spaces, control characters or '+'";
            return false;
        }

        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                error = "trailing bytes after the SubjectPublicKeyInfo";
                return false;
            }

            if (ecdsa.ExportParameters(false).Curve.Oid?.Value != NistP256Oid)
            {
                error = "not an ECDSA P-256 key";
                return false;
            }

            // Keep the canonical DER as re-exported, so the key id does not depend on input quirks.
            key = new CheckpointPublicKey(name, ecdsa.ExportSubjectPublicKeyInfo());
            error = string.Empty;
            return true;
        }
        catch (CryptographicException e)
        {
            error = "not an EC public key: " + e.Message;
            return false;
        }
    }

    /// <summary>A key from a PEM <c>PUBLIC KEY</c> block (as <see cref="ExportPem"/> writes and <c>egressguard ledger public-key</c> prints).</summary>
    public static bool TryFromPem(string name, string pem, [NotNullWhen(true)] out CheckpointPublicKey? key, out string error)
    {
        key = null;
        if (string.IsNullOrEmpty(pem) || !PemEncoding.TryFind(pem, out var fields))
        {
            error = "no PEM block found";
            return false;
        }

        var label = pem.AsSpan()[fields.Label];
        if (!label.SequenceEqual("PUBLIC KEY"))
        {
            error = $"expected a PUBLIC KEY PEM block, found {label}";
            return false;
        }

        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written))
        {
            error = "PEM base64 is malformed";
            return false;
        }

        return TryCreate(name, der.AsSpan(0, written), out key, out error);
    }

    /// <summary>
    /// Parses a verifier key <c>name+keyid+base64(0x02 ‖ SPKI)</c> (the C2SP/Go <c>note</c> vkey
    /// form, as accepted by transparency-dev tooling for ECDSA keys).
    /// </summary>
    public static bool TryParseVerifierKey(string verifierKey, [NotNullWhen(true)] out CheckpointPublicKey? key, out string error)
    {
        key = null;
        var parts = (verifierKey ?? string.Empty).Split('+', 3);
        if (parts.Length != 3 || parts[1].Length != 8)
        {
            error = "expected name+keyid+base64";
            return false;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            error = "key base64 is malformed";
            return false;
        }

        if (blob.Length < 2 || blob[0] != SignatureType)
        {
            error = "not an ECDSA (type 0x02) verifier key";
            return false;
        }

        if (!uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            error = "key id is not 8 hex digits";
            return false;
        }

        if (!TryCreate(parts[0], blob.AsSpan(1), out key, out error))
        {
            return false;
        }

        if (key.KeyId != id)
        {
            error = $"key id {parts[1]} does not match the key ({key.KeyIdHex})";
            key = null;
            return false;
        }

        return true;
    }

    /// <summary>The PEM <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) form, for <c>openssl</c> and auditors.</summary>
    public string ExportPem() => PemEncoding.WriteString("PUBLIC KEY", _subjectPublicKeyInfo);

    /// <summary>The verifier key <c>name+keyid+base64(0x02 ‖ SPKI)</c>.</summary>
    public string ToVerifierKey()
    {
        var blob = new byte[1 + _subjectPublicKeyInfo.Length];
        blob[0] = SignatureType;
        _subjectPublicKeyInfo.CopyTo(blob, 1);
        return Name + "+" + KeyIdHex + "+" + Convert.ToBase64String(blob);
    }

    /// <inheritdoc />
    public override string ToString() => Name + "+" + KeyIdHex;

    /// <summary>Checks a DER (RFC 3279) ECDSA signature over SHA-256 of <paramref name="data"/>; false for any malformed input.</summary>
    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
            return ecdsa.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
