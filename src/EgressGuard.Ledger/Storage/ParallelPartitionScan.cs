using System.Collections.Concurrent;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The store verifier's read side on several cores. Reading SQLite rows and checking their filter
/// columns costs about twice what validating and hashing them does (per-thread CPU in
/// <c>ledger-probe</c>), so one reader thread kept the verifier waiting. The kept log is cut into
/// chunks of consecutive sequence numbers (<see cref="PartitionScan.Plan"/>); reader <c>r</c> of
/// <c>R</c> scans chunks <c>r</c>, <c>r + R</c>, … into its own bounded queue, and <see cref="Rows"/>
/// takes the chunks back in order, so the verifier sees exactly the row stream of one sequential scan.
/// A failure ends the stream at the chunk where it happened, after the rows before it; readers
/// stop when the consumer does. Batches are pooled (<see cref="ScanBatch"/>): nothing per row.
/// </summary>
internal sealed class ParallelPartitionScan : IDisposable
{
    /// <summary>Sequence numbers per chunk: four batches, small enough to keep both readers busy on a short log.</summary>
    internal const long ChunkRows = 4 * BatchRows;

    private const int BatchRows = 4_096;

    // Per reader: a chunk's batches, then its end marker; 6 slots = about a chunk and a half ahead (1 MiB slab each).
    private const int QueueSlots = 6;

    private readonly List<ScanChunk> _chunks;
    private readonly BlockingCollection<ScanItem>[] _queues;
    private readonly Task[] _readers;
    private readonly CancellationTokenSource _stop = new();

    public ParallelPartitionScan(string dataDirectory, ulong fromSequence, int readers, long chunkRows = ChunkRows)
    {
        _chunks = PartitionScan.Plan(dataDirectory, fromSequence, chunkRows);
        var count = Math.Clamp(Math.Min(readers, _chunks.Count), 1, 8);
        _queues = new BlockingCollection<ScanItem>[count];
        _readers = new Task[count];
        for (var r = 0; r < count; r++)
        {
            _queues[r] = new BlockingCollection<ScanItem>(QueueSlots);
        }

        for (var r = 0; r < count; r++)
        {
            var reader = r;
            _readers[r] = Task.Factory.StartNew(() => ReadChunks(dataDirectory, reader), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>The failure that ended the stream (an unreadable partition, a changed column), or null.</summary>
    public LedgerFailure? Failure { get; private set; }

    /// <summary>The number of reader threads.</summary>
    public int Readers => _readers.Length;

    /// <summary>
    /// Every row in sequence order, as <see cref="PartitionScan.Read"/> gives them. An entry's bytes stay
    /// valid until the enumerator moves past its batch (the verifier keeps nothing of an entry once it
    /// has moved on: its look-ahead reads sequence numbers only).
    /// </summary>
    public IEnumerable<EncodedLedgerEntry> Rows()
    {
        for (var k = 0; k < _chunks.Count; k++)
        {
            var queue = _queues[k % _queues.Length];
            while (true)
            {
                if (!queue.TryTake(out var item, Timeout.Infinite))
                {
                    // The reader ended without finishing its chunk: it threw. Dispose rethrows that.
                    Failure ??= ReaderStopped();
                    yield break;
                }

                if (item.Batch is not { } batch)
                {
                    if (item.Failure is not null)
                    {
                        Failure = item.Failure;
                        yield break;
                    }

                    break;
                }

                try
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        yield return batch.Rows[i];
                    }
                }
                finally
                {
                    batch.Release();
                }
            }
        }
    }

    /// <summary>Stops the readers, waits for them and returns every batch still queued to the pool; rethrows a reader's exception.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll(_readers);
        }
        finally
        {
            foreach (var queue in _queues)
            {
                while (queue.TryTake(out var left))
                {
                    left.Batch?.Release();
                }

                queue.Dispose();
            }

            _stop.Dispose();
        }
    }

    private static LedgerFailure ReaderStopped() => new()
    {
        Kind = LedgerFailureKind.MalformedRecord,
        Message = "a partition reader stopped unexpectedly",
    };

    private void ReadChunks(string dataDirectory, int reader)
    {
        var queue = _queues[reader];
        var token = _stop.Token;
        ScanBatch? batch = null;
        using var cursor = new PartitionCursor(dataDirectory);
        Func<ScanBatch, bool> send = full =>
        {
            try
            {
                queue.Add(new ScanItem(full, null), token);
                return true;
            }
            catch (OperationCanceledException)
            {
                full.Release();
                throw;
            }
        };
        try
        {
            for (var k = reader; k < _chunks.Count; k += _readers.Length)
            {
                batch = new ScanBatch(BatchRows);
                var failure = PartitionScan.ReadChunk(cursor, _chunks[k], ref batch, send, out _);
                if (batch!.Count > 0)
                {
                    var last = batch;
                    batch = null;
                    send(last);
                }

                queue.Add(new ScanItem(null, failure), token);
                if (failure is not null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The consumer stopped early (a failure, or it has all it needs): nothing more to read.
        }
        finally
        {
            batch?.Release();
            queue.CompleteAdding();
        }
    }

    // A batch of a chunk, or (Batch null) the end of the chunk with its failure, if any.
    private readonly record struct ScanItem(ScanBatch? Batch, LedgerFailure? Failure);
}
