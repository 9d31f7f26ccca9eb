using System.Runtime.ExceptionServices;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The writer's per-entry work that does not touch SQLite — canonical encoding, the RFC 9162 leaf hash
/// and the filter columns — done for a whole batch on a second thread while the writer inserts the
/// entries already prepared (a two-stage pipeline on the two cores of an edge box). Entry <c>i</c> of
/// the batch gets sequence number <c>first + i</c>; the writer takes the entries strictly in order
/// with <see cref="WaitFor"/>, so what it inserts, hashes into the tree and commits is exactly what it
/// did alone. A small batch (a quiet appliance) is prepared inline, with no hand-off. Encodings live
/// in reused 1 MiB segments, never moved while the batch is in flight; nothing is allocated per entry.
/// One writer thread; the helper runs only between <see cref="Start"/> and the end of its batch.
/// </summary>
internal sealed class BatchPreparer
{
    /// <summary>Batches at least this large are prepared on the helper thread.</summary>
    internal const int ParallelFrom = 256;

    private const int SegmentBytes = 1 << 20;

    private readonly List<byte[]> _segments = [new byte[SegmentBytes]];
    private LedgerItem[] _items = [];
    private byte[][] _segmentOf = [];
    private int[] _offset = [];
    private int[] _length = [];
    private MerkleHash[] _leaf = [];
    private LedgerSchema.FilterColumns[] _columns = [];
    private int _count;
    private ulong _first;
    private int _ready;
    private int _failedAt = int.MaxValue;
    private ExceptionDispatchInfo? _error;
    private Task? _helper;

    /// <summary>Entries in the batch (barriers and control items excluded).</summary>
    public int Count => _count;

    /// <summary>
    /// Begins preparing the entries of <paramref name="batch"/> (transfers and events, in order) as
    /// sequence numbers <paramref name="first"/>, <paramref name="first"/> + 1, …
    /// </summary>
    public void Start(List<LedgerItem> batch, ulong first, bool parallel)
    {
        // The previous batch's helper may still be running after a failed insert: it owns the arrays until it ends.
        _helper?.Wait();
        _helper = null;
        if (_items.Length < batch.Count)
        {
            var size = Math.Max(batch.Count, _items.Length * 2);
            _items = new LedgerItem[size];
            _segmentOf = new byte[size][];
            _offset = new int[size];
            _length = new int[size];
            _leaf = new MerkleHash[size];
            _columns = new LedgerSchema.FilterColumns[size];
        }

        var count = 0;
        foreach (var item in batch)
        {
            if (item.Transfer is not null || item.Event is not null)
            {
                _items[count++] = item;
            }
        }

        _count = count;
        _first = first;
        _error = null;
        Volatile.Write(ref _failedAt, int.MaxValue);
        Volatile.Write(ref _ready, 0);
        if (parallel && count >= ParallelFrom)
        {
            _helper = Task.Run(Prepare);
        }
        else
        {
            Prepare();
        }
    }

    /// <summary>
    /// Waits until entry <paramref name="index"/> is prepared; rethrows, on the writer, what preparing
    /// it threw (as encoding on the writer would have).
    /// </summary>
    public void WaitFor(int index)
    {
        if (Volatile.Read(ref _ready) > index)
        {
            return;
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _ready) <= index)
        {
            if (Volatile.Read(ref _failedAt) <= index)
            {
                _error!.Throw();
            }

            spin.SpinOnce(sleep1Threshold: 64);
        }
    }

    /// <summary>The item of entry <paramref name="index"/>.</summary>
    public ref readonly LedgerItem Item(int index) => ref _items[index];

    /// <summary>The canonical encoding of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Canonical(int index) => _segmentOf[index].AsSpan(_offset[index], _length[index]);

    /// <summary>The leaf hash of entry <paramref name="index"/>.</summary>
    public ref readonly MerkleHash Leaf(int index) => ref _leaf[index];

    /// <summary>The filter columns of entry <paramref name="index"/> (default for events).</summary>
    public ref readonly LedgerSchema.FilterColumns Columns(int index) => ref _columns[index];

    /// <summary>Waits for the helper (at shutdown).</summary>
    public void Complete()
    {
        _helper?.Wait();
        _helper = null;
    }

    private void Prepare()
    {
        var segment = 0;
        var position = 0;
        for (var i = 0; i < _count; i++)
        {
            try
            {
                ref readonly var item = ref _items[i];
                var max = item.Transfer is { } t ? CanonicalEncoder.GetMaxEncodedLength(t) : CanonicalEncoder.GetMaxEncodedLength(item.Event!);
                if (position + max > _segments[segment].Length)
                {
                    segment++;
                    position = 0;
                    if (segment == _segments.Count || _segments[segment].Length < max)
                    {
                        var fresh = new byte[Math.Max(SegmentBytes, max)];
                        if (segment == _segments.Count)
                        {
                            _segments.Add(fresh);
                        }
                        else
                        {
                            _segments[segment] = fresh;
                        }
                    }
                }

                var target = _segments[segment].AsSpan(position, max);
                var seq = _first + (ulong)i;
                var ok = item.Transfer is { } transfer
                    ? CanonicalEncoder.TryEncode(seq, transfer, target, out var written)
                    : CanonicalEncoder.TryEncode(seq, item.Event!, target, out written);
                if (!ok)
                {
                    throw new InvalidOperationException("canonical buffer too small");
                }

                _segmentOf[i] = _segments[segment];
                _offset[i] = position;
                _length[i] = written;
                _leaf[i] = TreeHasher.HashLeaf(target[..written]);
                _columns[i] = LedgerSchema.Columns(item.Transfer);
                position += written;
            }
#pragma warning disable CA1031 // handed to the writer, which throws it where encoding on its own thread would have
            catch (Exception e)
#pragma warning restore CA1031
            {
                _error = ExceptionDispatchInfo.Capture(e);
                Volatile.Write(ref _failedAt, i);
                return;
            }

            Volatile.Write(ref _ready, i + 1);
        }
    }
}
