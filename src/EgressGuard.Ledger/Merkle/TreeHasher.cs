using System.Runtime.InteropServices;
using EgressGuard.Native;

namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// RFC 9162 §2.1.1 hashing with SHA-256: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖
/// right). The prefixes separate leaves from nodes, so no leaf can pass for an interior node.
/// </summary>
public static class TreeHasher
{
    /// <summary>Domain-separation byte before leaf data.</summary>
    public const byte LeafPrefix = 0x00;

    /// <summary>Domain-separation byte before two child hashes.</summary>
    public const byte NodePrefix = 0x01;

    /// <summary>The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).</summary>
    public static MerkleHash EmptyRoot { get; } = Hash([]);

    /// <summary>The leaf hash of <paramref name="leafData"/> (for the ledger: a canonical entry encoding).</summary>
    public static MerkleHash HashLeaf(ReadOnlySpan<byte> leafData)
    {
        // Prefix and data fed to one hash context: no copy of the data (see OpenSslSha256 for why not SHA256.HashData).
        var result = default(MerkleHash);
        OpenSslSha256.Hash(LeafPrefix, leafData, MemoryMarshal.AsBytes(new Span<MerkleHash>(ref result)));
        return result;
    }

    /// <summary>The interior node over <paramref name="left"/> and <paramref name="right"/>.</summary>
    public static MerkleHash HashNode(in MerkleHash left, in MerkleHash right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * MerkleHash.Size)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + MerkleHash.Size)..]);
        return Hash(buffer);
    }

    private static MerkleHash Hash(ReadOnlySpan<byte> data)
    {
        var result = default(MerkleHash);
        OpenSslSha256.Hash(data, MemoryMarshal.AsBytes(new Span<MerkleHash>(ref result)));
        return result;
    }
}
