// src/EgressGuard.Ledger/Sinks/ILedgerFeed.cs
using EgressGuard.Ledger.Canonical;

namespace EgressGuard.Ledger.Sinks;

/// <summary>The read side of the ledger that sinks ship from: entries in sequence order and signed checkpoints.</summary>
public interface ILedgerFeed
{
    /// <summary>The appliance's identity: the origin line of its checkpoints.</summary>
    string Origin { get; }

    /// <summary>Entries with sequence ≥ <paramref name="fromSequence"/>, ascending, at most <paramref name="maxCount"/>; empty when there are none yet.</summary>
    ValueTask<IReadOnlyList<FeedEntry>> ReadEntriesAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Checkpoints numbered ≥ <paramref name="fromNumber"/>, ascending, at most <paramref name="maxCount"/>.</summary>
    ValueTask<IReadOnlyList<FeedCheckpoint>> ReadCheckpointsAsync(long fromNumber, int maxCount, CancellationToken cancellationToken);
}

/// <summary>One ledger entry as stored: its sequence, the decoded entry and the canonical bytes that were hashed.</summary>
public readonly record struct FeedEntry(ulong Sequence, LedgerEntry Entry, ReadOnlyMemory<byte> Canonical);

/// <summary>One signed checkpoint: its number, tree size, time and the signed note text.</summary>
public readonly record struct FeedCheckpoint(long Number, ulong TreeSize, DateTimeOffset Time, string Note);
