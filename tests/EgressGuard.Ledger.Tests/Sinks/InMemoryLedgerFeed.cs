using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Sinks;

namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>
/// A ledger feed kept in memory until the real store implements <see cref="ILedgerFeed"/>: entries are
/// real canonical encodings (<see cref="CanonicalEncoder"/>), checkpoints real signed notes over the
/// real Merkle root (<see cref="CheckpointNote"/>), so whatever a sink ships re-verifies exactly as the
/// store's would. Thread-safe: tests append while a sink reads.
/// </summary>
internal sealed class InMemoryLedgerFeed : ILedgerFeed, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<FeedEntry> _entries = [];
    private readonly List<FeedCheckpoint> _checkpoints = [];
    private readonly IncrementalMerkleTree _tree = new();

    public InMemoryLedgerFeed(string origin = "egressguard.example/sinks-test")
    {
        Origin = origin;
        Key = CheckpointSigningKey.Generate(origin);
    }

    public string Origin { get; }

    public CheckpointSigningKey Key { get; }

    public int EntryCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public FeedEntry AppendTransfer(TransferRecord record)
    {
        lock (_lock)
        {
            var sequence = (ulong)_entries.Count;
            var canonical = CanonicalEncoder.Encode(sequence, record);
            Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(canonical, out var entry));
            var feedEntry = new FeedEntry(sequence, entry!, canonical);
            _entries.Add(feedEntry);
            _tree.Append(TreeHasher.HashLeaf(canonical));
            return feedEntry;
        }
    }

    public FeedEntry AppendEvent(LedgerEvent ledgerEvent)
    {
        lock (_lock)
        {
            var sequence = (ulong)_entries.Count;
            var canonical = CanonicalEncoder.Encode(sequence, ledgerEvent);
            Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(canonical, out var entry));
            var feedEntry = new FeedEntry(sequence, entry!, canonical);
            _entries.Add(feedEntry);
            _tree.Append(TreeHasher.HashLeaf(canonical));
            return feedEntry;
        }
    }

    /// <summary>Signs a checkpoint over everything appended so far.</summary>
    public FeedCheckpoint SignCheckpoint(DateTimeOffset time)
    {
        lock (_lock)
        {
            var number = _checkpoints.Count;
            var checkpoint = new Checkpoint
            {
                Origin = Origin,
                TreeSize = _tree.Size,
                RootHash = _tree.Root,
                Time = time,
                ClockSync = ClockSyncState.Synchronized,
                Number = (ulong)number,
            };
            var feedCheckpoint = new FeedCheckpoint(number, _tree.Size, time, CheckpointNote.Sign(checkpoint, Key));
            _checkpoints.Add(feedCheckpoint);
            return feedCheckpoint;
        }
    }

    public IReadOnlyList<FeedEntry> Entries()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }

    public IReadOnlyList<FeedCheckpoint> Checkpoints()
    {
        lock (_lock)
        {
            return [.. _checkpoints];
        }
    }

    public ValueTask<IReadOnlyList<FeedEntry>> ReadEntriesAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (fromSequence >= (ulong)_entries.Count)
            {
                return ValueTask.FromResult<IReadOnlyList<FeedEntry>>([]);
            }

            var start = (int)fromSequence;
            var count = Math.Min(maxCount, _entries.Count - start);
            return ValueTask.FromResult<IReadOnlyList<FeedEntry>>(_entries.GetRange(start, count));
        }
    }

    public ValueTask<IReadOnlyList<FeedCheckpoint>> ReadCheckpointsAsync(long fromNumber, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (fromNumber >= _checkpoints.Count)
            {
                return ValueTask.FromResult<IReadOnlyList<FeedCheckpoint>>([]);
            }

            var start = (int)fromNumber;
            var count = Math.Min(maxCount, _checkpoints.Count - start);
            return ValueTask.FromResult<IReadOnlyList<FeedCheckpoint>>(_checkpoints.GetRange(start, count));
        }
    }

    public void Dispose() => Key.Dispose();
}
