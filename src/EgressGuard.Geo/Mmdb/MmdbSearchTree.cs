using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace EgressGuard.Geo.Mmdb;

/// <summary>
/// The binary search tree at the start of a MaxMind DB image, with the checks that make every
/// lookup safe: every record is a node, "empty", or a pointer into the data section; every node is
/// reachable from the root; no node is its own descendant; and no path from the root is longer than
/// the address, so a lookup always ends on a record, never back inside the tree.
/// </summary>
internal sealed class MmdbSearchTree
{
    private const int DataSectionSeparatorSize = 16;
    private const byte OnPath = 0xFF;

    private readonly byte[] _image;
    private readonly uint _nodeCount;
    private readonly int _recordSize;
    private readonly int _nodeByteSize;

    /// <summary>Creates a view of the tree at the start of <paramref name="image"/>.</summary>
    public MmdbSearchTree(byte[] image, uint nodeCount, int recordSize)
    {
        _image = image;
        _nodeCount = nodeCount;
        _recordSize = recordSize;
        _nodeByteSize = recordSize / 4;
    }

    /// <summary>
    /// Walks the whole tree once from the root: an iterative depth-first walk that computes each
    /// node's height (nodes on the longest path down to a record), memoised because IPv6 trees alias
    /// <c>::ffff:0:0/96</c> and <c>2002::/16</c> onto the IPv4 subtree. A node met again while still
    /// on the current path is a cycle. Every record is range-checked as it is read, and the first
    /// address that reaches each data record is kept so the caller can decode that record once.
    /// </summary>
    /// <param name="bitLength">32 for an IPv4 database, 128 for an IPv6 one.</param>
    /// <param name="dataSectionLength">Size of the data section; record targets must fall inside it.</param>
    /// <param name="records">Receives each distinct data-section offset with the first address (as a <paramref name="bitLength"/>-bit number) whose lookup ends on it.</param>
    /// <param name="error">What is wrong, when the tree is corrupt.</param>
    // Fully optimised from the first call: it runs once per open over every node (1.3 million in the
    // bundled database), exactly where tiered compilation would otherwise start in slow tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryVerify(int bitLength, int dataSectionLength, Dictionary<int, UInt128> records, [NotNullWhen(false)] out string? error)
    {
        var nodeCount = _nodeCount;
        var state = new byte[nodeCount];
        var pathNode = new uint[bitLength];
        var pathSide = new int[bitLength];
        var pathTallest = new int[bitLength];
        var lastOffset = -1;

        var top = 0;
        state[0] = OnPath;
        while (top >= 0)
        {
            var side = pathSide[top];
            if (side < 2)
            {
                var node = pathNode[top];
                var record = ReadRecord(node, side);
                pathSide[top] = side + 1;
                if (record > nodeCount)
                {
                    // Spec: data offset = record - node_count - 16 (the separator).
                    var offset = (long)record - nodeCount - DataSectionSeparatorSize;
                    if (offset < 0 || offset >= dataSectionLength)
                    {
                        error = offset < 0
                            ? $"{Side(side)} record of node {node} ({record}) points into the data section separator"
                            : $"{Side(side)} record of node {node} points to data offset {offset}, past the end of the data section ({dataSectionLength} bytes)";
                        return false;
                    }

                    // Neighbouring records usually share data; skip the hash for the common repeat.
                    if (offset != lastOffset)
                    {
                        lastOffset = (int)offset;
                        if (!records.ContainsKey(lastOffset))
                        {
                            records.Add(lastOffset, PathAddress(pathSide, top, bitLength));
                        }
                    }

                    continue;
                }

                if (record == nodeCount)
                {
                    // "No data" for this branch.
                    continue;
                }

                var seen = state[record];
                if (seen == OnPath)
                {
                    error = $"node {record} is its own descendant (a record of node {node} points back to it)";
                    return false;
                }

                if (seen != 0)
                {
                    // Already walked from elsewhere (an alias): it must still fit below this path.
                    if (top + 1 + seen > bitLength)
                    {
                        error = $"a path from the root through node {node} to node {record} is deeper than a {bitLength}-bit address";
                        return false;
                    }

                    pathTallest[top] = Math.Max(pathTallest[top], seen);
                    continue;
                }

                if (top + 1 >= bitLength)
                {
                    error = $"a path from the root reaches node {record} after {bitLength} nodes, deeper than a {bitLength}-bit address";
                    return false;
                }

                top++;
                pathNode[top] = record;
                pathSide[top] = 0;
                pathTallest[top] = 0;
                state[record] = OnPath;
            }
            else
            {
                var height = pathTallest[top] + 1;
                state[pathNode[top]] = (byte)height;
                top--;
                if (top >= 0)
                {
                    pathTallest[top] = Math.Max(pathTallest[top], height);
                }
            }
        }

        // A node nothing points to is not harmful by itself, but no writer produces one: it means
        // node_count or the records are wrong.
        var unreachable = state.AsSpan().Count((byte)0);
        if (unreachable > 0)
        {
            error = $"{unreachable} of {nodeCount} nodes are not reachable from the root (node_count may be wrong)";
            return false;
        }

        error = null;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadRecord(uint node, int side)
    {
        var tree = _image.AsSpan();
        var at = (int)(node * (long)_nodeByteSize);
        switch (_recordSize)
        {
            case 24:
                at += side * 3;
                return (uint)((tree[at] << 16) | (tree[at + 1] << 8) | tree[at + 2]);
            case 28:
                // The middle byte holds the top nibble of each record (left: high nibble).
                return side == 0
                    ? (uint)(((tree[at + 3] & 0xF0) << 20) | (tree[at] << 16) | (tree[at + 1] << 8) | tree[at + 2])
                    : (uint)(((tree[at + 3] & 0x0F) << 24) | (tree[at + 4] << 16) | (tree[at + 5] << 8) | tree[at + 6]);
            default:
                return BinaryPrimitives.ReadUInt32BigEndian(tree.Slice(at + (side * 4), 4));
        }
    }

    // The address whose first top+1 bits are the sides taken so far (pathSide holds side + 1 once a
    // side has been read), the rest zero.
    private static UInt128 PathAddress(int[] pathSide, int top, int bitLength)
    {
        UInt128 address = 0;
        for (var depth = 0; depth <= top; depth++)
        {
            if (pathSide[depth] == 2)
            {
                address |= UInt128.One << (bitLength - 1 - depth);
            }
        }

        return address;
    }

    private static string Side(int side) => side == 0 ? "left" : "right";
}
