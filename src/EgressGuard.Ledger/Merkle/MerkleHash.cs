using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// A SHA-256 value in the Merkle tree: a leaf hash, an interior node or a root. A 32-byte value
/// type, so frontiers and proofs need no per-hash allocation.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct MerkleHash : IEquatable<MerkleHash>
{
    /// <summary>Bytes in a hash.</summary>
    public const int Size = 32;

    // The 32 bytes in memory order; only ever read or written as a whole via MemoryMarshal.
    private readonly ulong _part0;
    private readonly ulong _part1;
    private readonly ulong _part2;
    private readonly ulong _part3;

    /// <summary>Reads a hash from exactly <see cref="Size"/> bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public static MerkleHash Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            ThrowWrongLength();
        }

        return MemoryMarshal.Read<MerkleHash>(bytes);
    }

    /// <summary>Reads a hash; false when <paramref name="bytes"/> is not 32 bytes long.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out MerkleHash hash)
    {
        if (bytes.Length != Size)
        {
            hash = default;
            return false;
        }

        hash = MemoryMarshal.Read<MerkleHash>(bytes);
        return true;
    }

    /// <summary>Parses standard base64 (RFC 4648 §4, with padding) of exactly 32 bytes.</summary>
    public static bool TryParseBase64(ReadOnlySpan<char> text, out MerkleHash hash)
    {
        hash = default;
        if (text.Length != 44)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size + 1];
        if (!Convert.TryFromBase64Chars(text, bytes, out var written) || written != Size)
        {
            return false;
        }

        // Refuse non-canonical base64 (non-zero padding bits) so one hash has one text form.
        var parsed = MemoryMarshal.Read<MerkleHash>(bytes);
        if (!parsed.ToBase64().AsSpan().SequenceEqual(text))
        {
            return false;
        }

        hash = parsed;
        return true;
    }

    /// <summary>Parses 64 hexadecimal digits (either case).</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, out MerkleHash hash)
    {
        hash = default;
        if (text.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        hash = MemoryMarshal.Read<MerkleHash>(bytes);
        return true;
    }

    /// <summary>Copies the 32 bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => MemoryMarshal.Write(destination, in this);

    /// <summary>The 32 bytes in a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Standard base64 with padding (44 characters), as in checkpoints and proofs.</summary>
    public string ToBase64()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Writes the base64 form as UTF-8 into <paramref name="destination"/> (44 bytes).</summary>
    public bool TryFormatBase64Utf8(Span<byte> destination, out int bytesWritten)
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Base64.EncodeToUtf8(bytes, destination, out _, out bytesWritten) == System.Buffers.OperationStatus.Done;
    }

    /// <summary>Lowercase hexadecimal (64 characters).</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public bool Equals(MerkleHash other) =>
        _part0 == other._part0 && _part1 == other._part1 && _part2 == other._part2 && _part3 == other._part3;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MerkleHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _part0.GetHashCode();

    /// <summary>Whether two hashes are the same 32 bytes.</summary>
    public static bool operator ==(MerkleHash left, MerkleHash right) => left.Equals(right);

    /// <summary>Whether two hashes differ.</summary>
    public static bool operator !=(MerkleHash left, MerkleHash right) => !left.Equals(right);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongLength() => throw new ArgumentException("A Merkle hash is exactly 32 bytes.");
}
