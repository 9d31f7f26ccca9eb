using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

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

    // Leaf data up to this size is prefixed on the stack; larger data in a pooled buffer.
    private const int StackLimit = 1024;

    /// <summary>The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).</summary>
    public static MerkleHash EmptyRoot { get; } = Hash([]);

    /// <summary>The leaf hash of <paramref name="leafData"/> (for the ledger: a canonical entry encoding).</summary>
    public static MerkleHash HashLeaf(ReadOnlySpan<byte> leafData)
    {
        byte[]? rented = null;
        Span<byte> buffer = leafData.Length < StackLimit
            ? stackalloc byte[leafData.Length + 1]
            : (rented = ArrayPool<byte>.Shared.Rent(leafData.Length + 1));
        try
        {
            buffer[0] = LeafPrefix;
            leafData.CopyTo(buffer[1..]);
            return Hash(buffer[..(leafData.Length + 1)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
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
        SHA256.HashData(data, MemoryMarshal.AsBytes(new Span<MerkleHash>(ref result)));
        return result;
    }
}
