using System.Buffers;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// A batch of rows read by <see cref="PartitionScan"/>: the entries, and one pooled slab holding
/// their canonical bytes back to back (one array per batch instead of one per row: at a million rows
/// a second the per-row arrays kept the GC busy). The consumer calls <see cref="Release"/> when it is
/// done with every entry of the batch; nothing may keep an entry's bytes after that.
/// </summary>
internal sealed class ScanBatch
{
    private const int SlabBytes = 1 << 20;

    private byte[] _slab;
    private int _used;

    public ScanBatch(int capacity)
    {
        Rows = ArrayPool<EncodedLedgerEntry>.Shared.Rent(capacity);
        Capacity = capacity;
        _slab = ArrayPool<byte>.Shared.Rent(SlabBytes);
    }

    public EncodedLedgerEntry[] Rows { get; private set; }

    public int Count { get; private set; }

    public int Capacity { get; }

    public bool IsFull => Count == Capacity;

    /// <summary>Whether <paramref name="length"/> more bytes fit in the slab (a row larger than a whole slab always "fits": it gets its own array).</summary>
    public bool Fits(int length) => length > _slab.Length || length <= _slab.Length - _used;

    /// <summary>Adds a row, copying its canonical bytes into the slab.</summary>
    public void Add(ulong sequence, ReadOnlySpan<byte> canonical, Merkle.MerkleHash? leaf)
    {
        ReadOnlyMemory<byte> bytes;
        if (canonical.Length > _slab.Length)
        {
            bytes = canonical.ToArray();
        }
        else
        {
            canonical.CopyTo(_slab.AsSpan(_used));
            bytes = new ReadOnlyMemory<byte>(_slab, _used, canonical.Length);
            _used += canonical.Length;
        }

        Rows[Count++] = new EncodedLedgerEntry(sequence, bytes, leaf);
    }

    /// <summary>Returns the arrays to the pool.</summary>
    public void Release()
    {
        Array.Clear(Rows, 0, Count);
        ArrayPool<EncodedLedgerEntry>.Shared.Return(Rows);
        ArrayPool<byte>.Shared.Return(_slab);
        Rows = [];
        _slab = [];
        Count = 0;
    }
}
