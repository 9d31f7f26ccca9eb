using Microsoft.Extensions.Logging;

namespace EgressGuard.Ledger.Sinks;

/// <summary>
/// The store-and-forward loop every sink shares: read the ledger from the local cursor, deliver a
/// batch, advance and persist the cursor, repeat; on failure disconnect, count, back off (capped
/// exponential) and meanwhile look ahead in the ledger so the backlog metric keeps growing. Nothing
/// is buffered beyond one batch: the ledger itself is the backlog, so an outage never drops an entry.
/// </summary>
internal abstract class LedgerSinkBase : ILedgerSink
{
    private const int LookAheadBatch = 4096;

    private readonly ILedgerFeed _feed;
    private readonly SinkCursorFile _cursorFile;
    private readonly SinkShippingOptions _shipping;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SinkMetrics _metrics;

    private long _nextSequence;
    private long _nextCheckpoint;
    private long _knownEnd;
    private long _shippedEntries;
    private long _shippedCheckpoints;
    private long _failures;
    private int _connected;
    private string? _lastError;
    private bool _backlogAlerted;
    private bool _lastBatchWasEmpty;

    protected LedgerSinkBase(string name, ILedgerFeed feed, string cursorPath, SinkShippingOptions shipping, ILoggerFactory loggerFactory, System.Diagnostics.Metrics.IMeterFactory meterFactory, TimeProvider? time)
    {
        Name = name;
        _feed = feed;
        _cursorFile = new SinkCursorFile(cursorPath);
        _shipping = shipping;
        _time = time ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger("EgressGuard.Ledger.Sinks." + name);
        _metrics = new SinkMetrics(meterFactory, name, () => (long)Backlog);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The feed's origin (the appliance id).</summary>
    protected string Origin => _feed.Origin;

    /// <summary>Logger of this sink.</summary>
    protected ILogger Logger => _logger;

    /// <summary>Where the sink delivers, for logs (no secrets).</summary>
    protected abstract string Destination { get; }

    /// <inheritdoc />
    public LedgerSinkStatus Status => new()
    {
        Connected = Volatile.Read(ref _connected) != 0,
        Cursor = CurrentCursor,
        BacklogEntries = Backlog,
        ShippedEntries = Interlocked.Read(ref _shippedEntries),
        ShippedCheckpoints = Interlocked.Read(ref _shippedCheckpoints),
        Failures = Interlocked.Read(ref _failures),
        LastError = Volatile.Read(ref _lastError),
    };

    private SinkCursor CurrentCursor => new((ulong)Interlocked.Read(ref _nextSequence), Interlocked.Read(ref _nextCheckpoint));

    private ulong Backlog
    {
        get
        {
            var end = (ulong)Interlocked.Read(ref _knownEnd);
            var next = (ulong)Interlocked.Read(ref _nextSequence);
            return end > next ? end - next : 0;
        }
    }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loaded = _cursorFile.Load();
        if (loaded.Error is not null)
        {
            SinkLog.CursorProblem(_logger, Name, loaded.Error + "; starting from the beginning of the ledger");
        }

        Publish(loaded.Cursor);
        Interlocked.Exchange(ref _knownEnd, (long)loaded.Cursor.NextSequence);
        SinkLog.Started(_logger, Name, loaded.Cursor.NextSequence, loaded.Cursor.NextCheckpoint, Destination);
        var failuresInRow = 0;
        var connected = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string? error = null;
                var idle = false;
                try
                {
                    if (!connected)
                    {
                        var result = await ConnectAsync(CurrentCursor, cancellationToken);
                        error = result.Error;
                        if (error is null)
                        {
                            connected = true;
                            Volatile.Write(ref _connected, 1);
                            AdoptCursor(result.Cursor);
                            SinkLog.Connected(_logger, Name, Destination, result.Cursor.NextSequence, result.Cursor.NextCheckpoint);
                        }
                    }

                    error = connected ? await ShipOnceAsync(cancellationToken) : error ?? "not connected";
                    idle = error is null && _lastBatchWasEmpty;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // A destination's client library may throw what it should have returned; never let it end the loop.
                    error = e.GetType().Name + ": " + e.Message;
                }

                if (error is null)
                {
                    failuresInRow = 0;
                    Volatile.Write(ref _lastError, null);
                    if (idle)
                    {
                        await DelayAsync(_shipping.PollInterval, cancellationToken);
                    }

                    continue;
                }

                failuresInRow++;
                Interlocked.Increment(ref _failures);
                Volatile.Write(ref _lastError, error);
                _metrics.Failed();
                if (connected)
                {
                    connected = false;
                    Volatile.Write(ref _connected, 0);
                    await DisconnectQuietlyAsync();
                }

                var delay = SinkRetry.Delay(_shipping, failuresInRow);
                SinkLog.Failed(_logger, Name, failuresInRow, delay, error);
                await LookAheadAsync(cancellationToken);
                await DelayAsync(delay, cancellationToken);
            }
        }
        finally
        {
            Volatile.Write(ref _connected, 0);
            await DisconnectQuietlyAsync();
            await ReleaseAsync();
            var cursor = CurrentCursor;
            SinkLog.Stopped(_logger, Name, cursor.NextSequence, cursor.NextCheckpoint);
        }
    }

    /// <summary>Connects; returns the cursor to ship from (the destination's own, when it keeps one) or an error.</summary>
    protected abstract Task<SinkConnectResult> ConnectAsync(SinkCursor local, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers one batch of entries and checkpoints, moving the destination from <paramref name="from"/>
    /// (the cursor it is expected to hold) to <paramref name="to"/>. Returns an error message, or null once delivered.
    /// </summary>
    protected abstract Task<string?> DeliverAsync(SinkCursor from, IReadOnlyList<FeedEntry> entries, IReadOnlyList<FeedCheckpoint> checkpoints, SinkCursor to, CancellationToken cancellationToken);

    /// <summary>Drops the connection (after a failure or at stop).</summary>
    protected abstract ValueTask DisconnectAsync();

    /// <summary>Releases what outlives one connection (a connection pool), once, when the sink stops.</summary>
    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;

    private async Task<string?> ShipOnceAsync(CancellationToken cancellationToken)
    {
        var expected = CurrentCursor;
        var from = expected;
        var read = await _feed.ReadEntriesAsync(from.NextSequence, _shipping.BatchSize, cancellationToken);
        var entries = ContiguousPrefix(read, ref from);
        var nextSequence = entries.Count > 0 ? entries[^1].Sequence + 1 : from.NextSequence;
        NoteKnownEnd(nextSequence);

        var checkpointsRead = await _feed.ReadCheckpointsAsync(from.NextCheckpoint, _shipping.BatchSize, cancellationToken);
        var checkpoints = new List<FeedCheckpoint>(checkpointsRead.Count);
        var nextCheckpoint = from.NextCheckpoint;
        foreach (var checkpoint in checkpointsRead)
        {
            // A checkpoint goes out only with (or after) the entries it covers, so the destination never holds a
            // signed size it cannot check; numbers must ascend (a gap is the ledger's to report, not the sink's to hide).
            if (checkpoint.TreeSize > nextSequence || checkpoint.Number < nextCheckpoint)
            {
                break;
            }

            checkpoints.Add(checkpoint);
            nextCheckpoint = checkpoint.Number + 1;
        }

        _lastBatchWasEmpty = entries.Count == 0 && checkpoints.Count == 0;
        if (_lastBatchWasEmpty)
        {
            UpdateBacklogAlert();
            return null;
        }

        var to = new SinkCursor(nextSequence, nextCheckpoint);
        var error = await DeliverAsync(expected, entries, checkpoints, to, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        Publish(to);
        Interlocked.Add(ref _shippedEntries, entries.Count);
        Interlocked.Add(ref _shippedCheckpoints, checkpoints.Count);
        _metrics.Shipped(entries.Count, checkpoints.Count);
        if (_cursorFile.Save(to) is { } saveError)
        {
            SinkLog.CursorProblem(_logger, Name, saveError);
        }

        // A short batch means the sink has caught up; a full one means more is waiting right now.
        _lastBatchWasEmpty = entries.Count < _shipping.BatchSize && checkpoints.Count < _shipping.BatchSize;
        UpdateBacklogAlert();
        return null;
    }

    private IReadOnlyList<FeedEntry> ContiguousPrefix(IReadOnlyList<FeedEntry> read, ref SinkCursor start)
    {
        if (read.Count == 0)
        {
            return read;
        }

        if (read[0].Sequence > start.NextSequence)
        {
            // The ledger no longer has these (purged before they were shipped): nothing can bring them back.
            SinkLog.CursorProblem(_logger, Name, $"ledger entries {start.NextSequence}-{read[0].Sequence - 1} are no longer in the ledger and were never shipped");
            start = start with { NextSequence = read[0].Sequence };
        }

        var count = 1;
        while (count < read.Count && read[count].Sequence == read[count - 1].Sequence + 1)
        {
            count++;
        }

        if (read[0].Sequence < start.NextSequence)
        {
            return [];
        }

        if (count == read.Count)
        {
            return read;
        }

        var prefix = new FeedEntry[count];
        for (var i = 0; i < count; i++)
        {
            prefix[i] = read[i];
        }

        return prefix;
    }

    private void AdoptCursor(SinkCursor remote)
    {
        var local = CurrentCursor;
        if (remote == local)
        {
            return;
        }

        SinkLog.CursorDiffers(_logger, Name, local.NextSequence, local.NextCheckpoint, remote.NextSequence, remote.NextCheckpoint);
        Publish(remote);
        if (_cursorFile.Save(remote) is { } saveError)
        {
            SinkLog.CursorProblem(_logger, Name, saveError);
        }
    }

    private void Publish(SinkCursor cursor)
    {
        Interlocked.Exchange(ref _nextSequence, (long)cursor.NextSequence);
        Interlocked.Exchange(ref _nextCheckpoint, cursor.NextCheckpoint);
        NoteKnownEnd(cursor.NextSequence);
    }

    private void NoteKnownEnd(ulong end)
    {
        var known = Interlocked.Read(ref _knownEnd);
        while ((ulong)known < end)
        {
            var seen = Interlocked.CompareExchange(ref _knownEnd, (long)end, known);
            if (seen == known)
            {
                return;
            }

            known = seen;
        }
    }

    /// <summary>While the destination is away, counts what the ledger holds beyond what was seen, so the backlog metric grows.</summary>
    private async Task LookAheadAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var from = (ulong)Interlocked.Read(ref _knownEnd);
                var ahead = await _feed.ReadEntriesAsync(from, LookAheadBatch, cancellationToken);
                if (ahead.Count == 0)
                {
                    break;
                }

                NoteKnownEnd(ahead[^1].Sequence + 1);
                if (ahead.Count < LookAheadBatch)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            SinkLog.CursorProblem(_logger, Name, "reading the ledger: " + e.Message);
        }

        UpdateBacklogAlert();
    }

    private void UpdateBacklogAlert()
    {
        var backlog = Backlog;
        if (!_backlogAlerted && backlog >= (ulong)_shipping.BacklogAlert)
        {
            _backlogAlerted = true;
            SinkLog.BacklogAlert(_logger, Name, backlog, _shipping.BacklogAlert);
        }
        else if (_backlogAlerted && backlog < (ulong)_shipping.BacklogAlert)
        {
            _backlogAlerted = false;
            SinkLog.BacklogCleared(_logger, Name, backlog, _shipping.BacklogAlert);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            await DisconnectAsync();
        }
        catch (Exception e)
        {
            SinkLog.CursorProblem(_logger, Name, "closing the connection: " + e.Message);
        }
    }
}
