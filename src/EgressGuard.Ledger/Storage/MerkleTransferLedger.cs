using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.Channels;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Retention;
using EgressGuard.Ledger.Sinks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// The tamper-evident ledger store (README §5, as built). One SQLite (WAL) partition per UTC day
/// under <c>{DataDirectory}/ledger/</c>; sequence numbers run on across partitions; every row keeps
/// its canonical bytes and leaf hash; aligned 256-leaf block hashes; the tree state is written in the
/// same transaction as each batch. One writer task drains a bounded queue (appenders wait, nothing is
/// dropped) in batched transactions and signs a checkpoint at least every
/// <see cref="LedgerOptions.CheckpointInterval"/> while the tree grows, at each UTC-day rollover and at
/// shutdown. Start-up verifies the tail since the last checkpoint and refuses to append if it does not.
/// </summary>
public sealed class MerkleTransferLedger : ITransferLedger, ILedgerFeed
{
    private const int BlockLeaves = 256;

    // The batch preparer's helper thread pays off only with a second core.
    private static readonly bool ParallelPrepare = Environment.ProcessorCount > 1;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaintenanceEvery = TimeSpan.FromSeconds(5);

    private readonly LedgerOptions _options;
    private readonly string _dataDirectory;
    private readonly FileStream _lock;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<LedgerItem> _queue;
    private readonly SqliteConnection _checkpoints;
    private readonly List<LedgerItem> _batch = [];
    private readonly Task _writer;
    private readonly Counter<long>? _appendedCounter;
    private readonly Meter? _meter;
    private readonly PartitionIndexer _indexer;

    private CheckpointSigningKey _key;
    private CheckpointSigningKey? _retiringKey;
    private IncrementalMerkleTree _tree;
    private IncrementalMerkleTree _block = new();
    private IncrementalMerkleTree _superBlock = new();
    private long _nextCheckpointNumber;
    private ulong _lastCheckpointSize;
    private bool _hasCheckpoint;
    private DateTimeOffset _lastCheckpointTime;
    private DateTimeOffset _lastMaintenance;
    private DateOnly? _partitionDay;
    private SqliteConnection? _partition;
    private EntryInsertStatement? _insert;
    private readonly BatchPreparer _prepared = new();
    private WalCheckpointer? _walCheckpointer;
    private int _sinceWalCheckpoint;
    private SqliteCommand? _state;
    private SqliteCommand? _blockInsert;
    private readonly string? _tailError;
    private int _writeFailing;
    private long _fullSince;
    private long _appended;
    private long _committed;
    private int _stopped;

    private MerkleTransferLedger(LedgerOptions options, FileStream lockFile, CheckpointSigningKey key, SqliteConnection checkpoints,
        IncrementalMerkleTree tree, StoredCheckpoint? last, DateOnly? newestPartition, string? tailError, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        _options = options;
        _dataDirectory = Path.GetFullPath(options.DataDirectory);
        _lock = lockFile;
        _key = key;
        _checkpoints = checkpoints;
        _tree = tree;
        _time = options.Time;
        _logger = (ILogger?)loggerFactory?.CreateLogger("EgressGuard.Ledger") ?? NullLogger.Instance;
        _tailError = tailError;
        _partitionDay = newestPartition;
        if (last is not null)
        {
            _hasCheckpoint = true;
            _nextCheckpointNumber = last.Number + 1;
            _lastCheckpointSize = last.TreeSize;
            _lastCheckpointTime = last.Time;
        }

        _queue = Channel.CreateBounded<LedgerItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create("EgressGuard.Ledger");
            _appendedCounter = _meter.CreateCounter<long>("egressguard.ledger.entries", "{entry}", "Entries committed to the ledger");
            _meter.CreateObservableGauge("egressguard.ledger.backlog", () => Backlog, "{entry}", "Entries queued for the writer");
            _meter.CreateObservableGauge("egressguard.ledger.available", () => IsAvailable ? 1 : 0, null, "1 while the ledger can record, 0 otherwise");
        }

        if (tailError is not null)
        {
            LedgerLog.TailInvalid(_logger, tailError);
        }

        LedgerLog.Opened(_logger, LedgerFiles.Directory(_dataDirectory), tree.Size, _nextCheckpointNumber, key.PublicKey.KeyIdHex, string.Empty);
        _indexer = new PartitionIndexer(_logger);
        if (tailError is null && options.StartWriter)
        {
            // Closed days whose index build never finished (crash, shutdown mid-build, or written by an older version).
            var partitions = LedgerFiles.ListPartitions(_dataDirectory);
            for (var i = 0; i < partitions.Count - 1; i++)
            {
                _indexer.Schedule(LedgerFiles.PartitionPath(_dataDirectory, partitions[i]));
            }
        }

        _writer = tailError is null && options.StartWriter ? Task.Run(WriteLoopAsync) : Task.CompletedTask;
    }

    /// <inheritdoc />
    public string Origin => _options.Origin;

    /// <summary>Entries in the tree (the next sequence number); read from the writer thread's state.</summary>
    public ulong Size => Volatile.Read(ref _tree).Size;

    /// <summary>The public half of the current signing key.</summary>
    public CheckpointPublicKey PublicKey => Volatile.Read(ref _key).PublicKey;

    /// <summary>Entries queued and not yet committed.</summary>
    public long Backlog => Volatile.Read(ref _appended) - Volatile.Read(ref _committed);

    /// <summary>Completes when the filter indexes of every closed partition scheduled so far are built (tests, benchmarks).</summary>
    internal Task ClosedPartitionsIndexed => _indexer.WhenIdle();

    /// <summary>Why start-up refused to append (the stored tail does not verify); null when it verified.</summary>
    public string? TailError => _tailError;

    /// <summary>The data directory the ledger lives under.</summary>
    public string DataDirectory => _dataDirectory;

    /// <inheritdoc />
    public LedgerFailMode FailMode => _options.FailMode;

    /// <inheritdoc />
    public bool IsAvailable
    {
        get
        {
            if (_tailError is not null || Volatile.Read(ref _writeFailing) != 0 || Volatile.Read(ref _stopped) != 0)
            {
                return false;
            }

            var fullSince = Volatile.Read(ref _fullSince);
            return fullSince == 0 || _time.GetElapsedTime(fullSince) < _options.MaxQueueWait;
        }
    }

    /// <summary>
    /// Opens (creating at first start) the ledger: takes the writer lock, loads or creates the signing
    /// key (0600), resumes the tree from the newest partition and verifies the tail since the last
    /// checkpoint. Errors come back as text; a tail that does not verify opens the store in a
    /// refusing state (<see cref="TailError"/>, <see cref="IsAvailable"/> false) so the reason is logged and served.
    /// </summary>
    public static LedgerOpenResult Open(LedgerOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var invalid = options.Validate();
        if (invalid.Count > 0)
        {
            return new LedgerOpenResult { Error = string.Join("; ", invalid) };
        }

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        FileStream? lockFile = null;
        CheckpointSigningKey? key = null;
        SqliteConnection? checkpoints = null;
        try
        {
            Directory.CreateDirectory(LedgerFiles.Directory(dataDirectory));
            try
            {
                // FileShare.None takes an exclusive flock on Linux: one writer per ledger directory.
                lockFile = new FileStream(LedgerFiles.LockPath(dataDirectory), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return new LedgerOpenResult { Error = $"ledger '{LedgerFiles.Directory(dataDirectory)}' is in use by another process (a running appliance?)" };
            }

            var loaded = SigningKeyFile.LoadOrCreate(LedgerFiles.SigningKeyPath(dataDirectory), options.Origin);
            if (loaded.Key is null)
            {
                lockFile.Dispose();
                return new LedgerOpenResult { Error = loaded.Error };
            }

            key = loaded.Key;
            checkpoints = LegalHolds.Open(dataDirectory);
            var last = LastCheckpoint(checkpoints);
            var (startSize, startFrontier) = LedgerReader.ReadLogStart(dataDirectory);
            var partitions = LedgerFiles.ListPartitions(dataDirectory);
            var (size, frontier) = NewestState(dataDirectory, partitions, startSize, startFrontier);
            var tailError = CheckTail(dataDirectory, options.Origin, key, last, startSize, startFrontier, size, frontier, out var tree);
            return new LedgerOpenResult
            {
                Ledger = new MerkleTransferLedger(options, lockFile, key, checkpoints, tree, last, partitions.Count > 0 ? partitions[^1] : null, tailError, loggerFactory, meterFactory),
            };
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidCastException)
        {
            key?.Dispose();
            checkpoints?.Dispose();
            lockFile?.Dispose();
            return new LedgerOpenResult { Error = $"ledger '{LedgerFiles.Directory(dataDirectory)}': {e.Message}" };
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(TransferRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Enqueue(new LedgerItem(record, null, null), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask AppendEventAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        return Enqueue(new LedgerItem(null, ledgerEvent, null), cancellationToken);
    }

    /// <inheritdoc />
    public bool TryAppend(TransferRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_tailError is not null || !_queue.Writer.TryWrite(new LedgerItem(record, null, null)))
        {
            return false;
        }

        Interlocked.Increment(ref _appended);
        return true;
    }

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default) => await RunOnWriterAsync(null, cancellationToken);

    /// <summary>Runs retention, legal-hold logging and a due checkpoint now (the writer also does this every few seconds).</summary>
    public Task MaintainAsync(CancellationToken cancellationToken = default) => RunOnWriterAsync(() => Maintain(force: true), cancellationToken);

    /// <summary>Signs a checkpoint now if the tree grew since the last one.</summary>
    public Task CheckpointAsync(CancellationToken cancellationToken = default) => RunOnWriterAsync(() => SignIfGrown(), cancellationToken);

    /// <summary>
    /// Rotates the signing key: writes a new key file (the old public key archived beside it),
    /// appends a <see cref="LedgerEntryKind.KeyRotation"/> entry and signs a checkpoint with both keys.
    /// Returns an error text, or null.
    /// </summary>
    public async Task<string?> RotateKeyAsync(CancellationToken cancellationToken = default)
    {
        string? error = null;
        await RunOnWriterAsync(() => error = Rotate(), cancellationToken);
        return error;
    }

    /// <inheritdoc />
    public IReadOnlyList<TransferRecord> Query(TransferQuery query) => LedgerReader.QueryRecords(_dataDirectory, query);

    /// <inheritdoc />
    public TransferPage QueryPage(TransferQuery query) => LedgerReader.Query(_dataDirectory, query);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<FeedEntry>> ReadEntriesAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken)
    {
        var list = new List<FeedEntry>();
        if (maxCount > 0)
        {
            foreach (var stored in LedgerReader.ReadEntries(_dataDirectory, fromSequence))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (stored.Error is not null || stored.Sequence >= Size)
                {
                    break;
                }

                if (CanonicalDecoder.TryDecode(stored.Canonical, out var entry) == CanonicalDecodeError.None)
                {
                    list.Add(new FeedEntry(stored.Sequence, entry!, stored.Canonical));
                }

                if (list.Count == maxCount)
                {
                    break;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<FeedEntry>>(list);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<FeedCheckpoint>> ReadCheckpointsAsync(long fromNumber, int maxCount, CancellationToken cancellationToken)
    {
        var list = new List<FeedCheckpoint>();
        foreach (var cp in LedgerReader.ReadCheckpoints(_dataDirectory, fromNumber, Math.Max(0, maxCount)))
        {
            list.Add(new FeedCheckpoint(cp.Number, cp.TreeSize, cp.Time, cp.Note));
        }

        return ValueTask.FromResult<IReadOnlyList<FeedCheckpoint>>(list);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer;
        _prepared.Complete();
        _walCheckpointer?.Dispose();
        ClosePartition();
        await _indexer.DisposeAsync();
        _checkpoints.Dispose();
        _key.Dispose();
        _retiringKey?.Dispose();
        _meter?.Dispose();
        await _lock.DisposeAsync();
    }

    private ValueTask Enqueue(LedgerItem item, CancellationToken cancellationToken)
    {
        if (_tailError is not null)
        {
            throw new InvalidOperationException("The ledger refuses appends: " + _tailError);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_queue.Writer.TryWrite(item))
        {
            Interlocked.Increment(ref _appended);
            return ValueTask.CompletedTask;
        }

        return EnqueueSlowAsync(item, cancellationToken);
    }

    private async ValueTask EnqueueSlowAsync(LedgerItem item, CancellationToken cancellationToken)
    {
        // Queue full: remember since when (the ledger becomes unavailable after MaxQueueWait), then wait.
        Interlocked.CompareExchange(ref _fullSince, _time.GetTimestamp(), 0);
        try
        {
            await _queue.Writer.WriteAsync(item, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException("The ledger is closed.", e);
        }

        Interlocked.Increment(ref _appended);
    }

    private async Task RunOnWriterAsync(Action? control, CancellationToken cancellationToken)
    {
        if (_tailError is not null || !_options.StartWriter)
        {
            throw new InvalidOperationException("The ledger writer is not running: " + (_tailError ?? "opened read-only"));
        }

        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new LedgerItem(null, null, barrier, control), cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException("The ledger is closed.", e);
        }

        await barrier.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        RunControl(() => Maintain(force: true));
        Task<bool>? wait = null;
        while (true)
        {
            wait ??= reader.WaitToReadAsync().AsTask();
            if (!wait.IsCompleted)
            {
                await Task.WhenAny(wait, Task.Delay(Tick, _time));
            }

            if (wait.IsCompleted)
            {
                if (!await wait)
                {
                    break;
                }

                wait = null;
                await DrainAsync(reader);
            }

            RunControl(() => Maintain(force: false));
        }

        RunControl(() => SignIfGrown());
    }

    private async Task DrainAsync(ChannelReader<LedgerItem> reader)
    {
        while (true)
        {
            _batch.Clear();
            Action? control = null;
            TaskCompletionSource? controlBarrier = null;
            while (_batch.Count < _options.MaxBatch && reader.TryRead(out var item))
            {
                if (item.Control is not null)
                {
                    control = item.Control;
                    controlBarrier = item.Barrier;
                    break;
                }

                _batch.Add(item);
            }

            // The reader freed room: appenders are no longer stuck behind a full queue.
            Volatile.Write(ref _fullSince, 0);
            if (_batch.Count > 0)
            {
                await CommitWithRetryAsync(_batch);

                // Under sustained load this loop may never go idle: checkpoints (at least every
                // interval) and maintenance must not wait for a quiet moment.
                RunControl(() => Maintain(force: false));
            }

            if (control is not null)
            {
                RunControl(control, controlBarrier);
                continue;
            }

            if (_batch.Count < _options.MaxBatch)
            {
                return;
            }
        }
    }

    private void RunControl(Action control, TaskCompletionSource? barrier = null)
    {
        try
        {
            control();
            barrier?.TrySetResult();
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            LedgerLog.WriteFailed(_logger, 0, e.Message);
            barrier?.TrySetException(e);
        }
    }

    private async Task CommitWithRetryAsync(List<LedgerItem> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = TryCommit(batch);
            if (error is null)
            {
                if (Interlocked.Exchange(ref _writeFailing, 0) != 0)
                {
                    LedgerLog.WriteRecovered(_logger);
                }

                foreach (var item in batch)
                {
                    item.Barrier?.TrySetResult();
                }

                return;
            }

            Volatile.Write(ref _writeFailing, 1);
            var records = 0;
            foreach (var item in batch)
            {
                records += item.Barrier is null ? 1 : 0;
            }

            // Shutting down and the disk still refuses: the records cannot be kept. Say so loudly.
            if (Volatile.Read(ref _stopped) != 0 && attempt >= 5)
            {
                LedgerLog.LostAtShutdown(_logger, records, error);
                foreach (var item in batch)
                {
                    item.Barrier?.TrySetException(new IOException("ledger write failed: " + error));
                }

                Interlocked.Add(ref _committed, records);
                return;
            }

            LedgerLog.WriteFailed(_logger, records, error);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)));
        }
    }

    private string? TryCommit(List<LedgerItem> batch)
    {
        var tree = _tree.Clone();
        var block = _block.Clone();
        var superBlock = _superBlock.Clone();
        try
        {
            var now = _time.GetUtcNow();
            var day = LedgerFiles.Day(now);
            if (_partition is null || _partitionDay is not { } current || day > current)
            {
                EnsurePartition(day);
            }

            var count = 0;
            using (var transaction = _partition!.BeginTransaction())
            {
                _state!.Transaction = transaction;
                _blockInsert!.Transaction = transaction;

                // Encoding, leaf hashes and filter columns on a second core while this thread inserts.
                _prepared.Start(batch, _tree.Size, ParallelPrepare);
                for (; count < _prepared.Count; count++)
                {
                    _prepared.WaitFor(count);
                    WriteEntry(count);
                }

                _state.Parameters[0].Value = (long)_tree.Size;
                _state.Parameters[1].Value = LedgerReader.WriteFrontier(_tree.Frontier);
                _state.ExecuteNonQuery();
                transaction.Commit();
            }

            Interlocked.Add(ref _committed, count);
            _appendedCounter?.Add(count);
            _sinceWalCheckpoint += count;
            if (_sinceWalCheckpoint >= WalCheckpointer.RequestEvery && ParallelPrepare)
            {
                _sinceWalCheckpoint = 0;
                _walCheckpointer ??= new WalCheckpointer(_logger);
                _walCheckpointer.Request(LedgerFiles.PartitionPath(_dataDirectory, _partitionDay!.Value));
            }

            return null;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            Volatile.Write(ref _tree, tree);
            _block = block;
            _superBlock = superBlock;
            ClosePartition();
            return e.Message;
        }
    }

    private void WriteEntry(int index)
    {
        var seq = _tree.Size;
        ref readonly var item = ref _prepared.Item(index);
        long time;
        int kind;
        if (item.Transfer is { } transfer)
        {
            time = LedgerFiles.ToMicros(transfer.Time);
            kind = (int)LedgerEntryKind.Transfer;
        }
        else
        {
            var ev = item.Event!;
            time = LedgerFiles.ToMicros(ev.Time);
            kind = (int)ev.Kind;
        }

        var canon = _prepared.Canonical(index);
        var leaf = _prepared.Leaf(index);
        _tree.Append(leaf);
        _insert!.Insert(seq, kind, time, _prepared.Columns(index), canon, leaf);

        // Aligned 256-leaf blocks (and 65,536-leaf super-blocks): proofs read O(log n) rows, not leaves.
        _block.Append(leaf);
        if (_block.Size == BlockLeaves)
        {
            var blockHash = _block.Root;
            InsertBlock(8, _tree.Size - BlockLeaves, blockHash);
            _block = new IncrementalMerkleTree();
            _superBlock.Append(blockHash);
            if (_superBlock.Size == BlockLeaves)
            {
                InsertBlock(16, _tree.Size - (BlockLeaves * BlockLeaves), _superBlock.Root);
                _superBlock = new IncrementalMerkleTree();
            }
        }
    }

    private void InsertBlock(int level, ulong start, MerkleHash hash)
    {
        _blockInsert!.Parameters[0].Value = level;
        _blockInsert.Parameters[1].Value = (long)start;
        _blockInsert.Parameters[2].Value = hash.ToArray();
        _blockInsert.ExecuteNonQuery();
    }

    private void EnsurePartition(DateOnly day)
    {
        if (_partitionDay is { } current && day <= current && _partition is not null)
        {
            return;
        }

        // Never write into an older day than the newest partition (clock stepped back): keep the newest.
        var target = _partitionDay is { } newest && newest > day ? newest : day;
        if (_partitionDay is { } previous && target > previous)
        {
            // UTC-day rollover: a checkpoint exactly at the partition boundary, so a day is bounded by
            // signed checkpoints on both sides and retention can purge it with a known frontier.
            SignIfGrown();
        }

        ClosePartition();
        if (_partitionDay is { } closed && target > closed)
        {
            _indexer.Schedule(LedgerFiles.PartitionPath(_dataDirectory, closed));
        }

        var connection = new SqliteConnection(LedgerFiles.ReadWrite(LedgerFiles.PartitionPath(_dataDirectory, target)));
        connection.Open();
        // 16 KiB pages (new partitions only; SQLite keeps an existing file's size): a 300-byte row per
        // entry fills pages 4× less often, so fewer page splits and WAL frames per row — ≈ 10 % less
        // CPU per append, a third less kernel time (bench/EgressGuard.Benchmarks/Ledger/README.md).
        // 64 MiB page cache (the time index and, on closed days, the filter indexes outgrow the 2 MiB
        // default). WAL checkpoints every 4,096 pages (64 MiB) instead of 1,000: fewer copy-and-fsync
        // pauses on the writer. With a second core they run on WalCheckpointer's thread instead (asked
        // every 65,536 entries), and the writer's own checkpoint at 16,384 pages is only a backstop.
        LedgerSchema.Execute(connection, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=" + (ParallelPrepare ? "16384" : "4096") + "; PRAGMA synchronous="
            + (_options.Sync == LedgerSync.Full ? "FULL" : "NORMAL") + ";");
        LedgerSchema.Execute(connection, LedgerSchema.PartitionTables);
        _insert = new EntryInsertStatement(connection);
        _state = connection.CreateCommand();
        _state.CommandText = "INSERT OR REPLACE INTO tree_state (id, size, frontier) VALUES (0, $size, $frontier)";
        _state.Parameters.Add(new SqliteParameter { ParameterName = "$size" });
        _state.Parameters.Add(new SqliteParameter { ParameterName = "$frontier" });
        _blockInsert = connection.CreateCommand();
        _blockInsert.CommandText = "INSERT OR REPLACE INTO blocks (level, start_seq, hash) VALUES ($level, $start, $hash)";
        _blockInsert.Parameters.Add(new SqliteParameter { ParameterName = "$level" });
        _blockInsert.Parameters.Add(new SqliteParameter { ParameterName = "$start" });
        _blockInsert.Parameters.Add(new SqliteParameter { ParameterName = "$hash" });
        _partition = connection;
        _partitionDay = target;
    }

    private void ClosePartition()
    {
        _insert?.Dispose();
        _state?.Dispose();
        _blockInsert?.Dispose();
        _partition?.Dispose();
        _insert = null;
        _state = null;
        _blockInsert = null;
        _partition = null;
    }

    private void Maintain(bool force)
    {
        var now = _time.GetUtcNow();
        if (!_hasCheckpoint || (_tree.Size != _lastCheckpointSize && now - _lastCheckpointTime >= _options.CheckpointInterval))
        {
            SignCheckpoint();
        }

        if (!force && now - _lastMaintenance < MaintenanceEvery)
        {
            return;
        }

        _lastMaintenance = now;
        LogHolds(now);
        Purge(now);
        if (force && LedgerFiles.Day(now) > (_partitionDay ?? DateOnly.MinValue) && _tree.Size != _lastCheckpointSize)
        {
            SignCheckpoint();
        }
    }

    private void SignIfGrown()
    {
        if (!_hasCheckpoint || _tree.Size != _lastCheckpointSize || _retiringKey is not null)
        {
            SignCheckpoint();
        }
    }

    private void SignCheckpoint()
    {
        var now = CanonicalTime.FromUnixMicroseconds(LedgerFiles.ToMicros(_time.GetUtcNow()));
        var checkpoint = new Checkpoint
        {
            Origin = _options.Origin,
            TreeSize = _tree.Size,
            RootHash = _tree.Root,
            Time = now,
            ClockSync = _options.ClockSync(),
            Number = (ulong)_nextCheckpointNumber,
        };
        var note = _retiringKey is { } old ? CheckpointNote.Sign(checkpoint, [old, _key]) : CheckpointNote.Sign(checkpoint, _key);
        try
        {
            using var command = _checkpoints.CreateCommand();
            command.CommandText = "INSERT INTO checkpoints (number, tree_size, time_us, note, frontier) VALUES ($n, $s, $t, $note, $f)";
            command.Parameters.AddWithValue("$n", _nextCheckpointNumber);
            command.Parameters.AddWithValue("$s", (long)checkpoint.TreeSize);
            command.Parameters.AddWithValue("$t", LedgerFiles.ToMicros(now));
            command.Parameters.AddWithValue("$note", note);
            command.Parameters.AddWithValue("$f", LedgerReader.WriteFrontier(_tree.Frontier));
            command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            LedgerLog.CheckpointFailed(_logger, e.Message);
            return;
        }

        _nextCheckpointNumber++;
        _hasCheckpoint = true;
        _lastCheckpointSize = checkpoint.TreeSize;
        _lastCheckpointTime = now;
        if (_retiringKey is { } retired)
        {
            _retiringKey = null;
            retired.Dispose();
        }
    }

    private string? Rotate()
    {
        var rotated = SigningKeyFile.Rotate(LedgerFiles.SigningKeyPath(_dataDirectory), _options.Origin);
        if (rotated.NewKey is not { } newKey || rotated.OldKey is not { } oldKey)
        {
            return rotated.Error ?? "key rotation failed";
        }

        var now = _time.GetUtcNow();
        var error = TryCommit([new LedgerItem(null, KeyRotationEvent.Create(Guid.CreateVersion7(now), now, oldKey.PublicKey, newKey.PublicKey), null)]);
        _key.Dispose();
        _retiringKey = oldKey;
        Volatile.Write(ref _key, newKey);
        if (error is not null)
        {
            return "the key file was rotated but the rotation entry could not be written: " + error;
        }

        LedgerLog.KeyRotated(_logger, oldKey.PublicKey.ToString(), newKey.PublicKey.ToString());

        // Signed by both keys: the old (trusted) key vouches for the entry that introduces the new one.
        SignCheckpoint();
        return null;
    }

    private void LogHolds(DateTimeOffset now)
    {
        var pending = LegalHolds.Read(_checkpoints,
            "SELECT id, from_day, to_day, reason, placed_us, released_us FROM holds WHERE placed_logged = 0 OR (released_us IS NOT NULL AND released_logged = 0) ORDER BY id");
        foreach (var hold in pending)
        {
            // Placed and (if released) released, in that order; each once. A crash between the append and
            // the flag update logs it again at the next start: a duplicate, never a gap.
            var items = new List<LedgerItem>();
            var flags = new List<string>();
            using (var check = _checkpoints.CreateCommand())
            {
                check.CommandText = "SELECT placed_logged, released_logged FROM holds WHERE id = $id";
                check.Parameters.AddWithValue("$id", hold.Id);
                using var r = check.ExecuteReader();
                r.Read();
                if (r.GetInt64(0) == 0)
                {
                    items.Add(new LedgerItem(null, HoldEvent(hold, "placed", hold.Placed), null));
                    flags.Add("placed_logged");
                }

                if (hold.Released is { } released && r.GetInt64(1) == 0)
                {
                    items.Add(new LedgerItem(null, HoldEvent(hold, "released", released), null));
                    flags.Add("released_logged");
                }
            }

            if (items.Count == 0 || TryCommit(items) is { } error)
            {
                continue;
            }

            foreach (var flag in flags)
            {
                using var update = _checkpoints.CreateCommand();
                update.CommandText = $"UPDATE holds SET {flag} = 1 WHERE id = $id";
                update.Parameters.AddWithValue("$id", hold.Id);
                update.ExecuteNonQuery();
            }
        }

        _ = now;
    }

    private static LedgerEvent HoldEvent(LegalHold hold, string action, DateTimeOffset time) => new()
    {
        Id = Guid.CreateVersion7(time),
        Time = time,
        Kind = LedgerEntryKind.LegalHold,
        Subject = hold.Range,
        Detail = "action=" + action + " id=" + hold.Id.ToString(CultureInfo.InvariantCulture) + " reason=" + hold.Reason,
    };

    private void Purge(DateTimeOffset now)
    {
        var partitions = LedgerFiles.ListPartitions(_dataDirectory);
        var holds = LegalHolds.Read(_checkpoints, "SELECT id, from_day, to_day, reason, placed_us, released_us FROM holds WHERE released_us IS NULL");
        var days = RetentionPlan.Select(partitions, holds, now, _options.Retention, out var heldDay);
        if (heldDay is { } held && days.Count == 0)
        {
            LedgerLog.PurgeSkipped(_logger, held.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "a legal hold covers it");
        }

        if (days.Count == 0)
        {
            return;
        }

        ulong? first = null;
        ulong last = 0;
        ulong records = 0;
        var (logStart, _) = LedgerReader.ReadLogStart(_dataDirectory);
        foreach (var day in days)
        {
            if (LedgerReader.Range(LedgerFiles.PartitionPath(_dataDirectory, day)) is { } span)
            {
                first ??= Math.Max(span.First, logStart);
                last = span.Last;
            }
        }

        if (first is null || last + 1 > _tree.Size)
        {
            DeletePartitions(days);
            return;
        }

        records = last + 1 - first.Value;
        var boundary = last + 1;
        var frontier = FrontierAt(boundary);
        if (frontier is null)
        {
            LedgerLog.PurgeSkipped(_logger, days[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"no checkpoint at the partition boundary {boundary}");
            return;
        }

        var range = days[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/" + days[^1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var root = MerkleTree.FoldFrontier([.. frontier]);
        var purge = new LedgerEvent
        {
            Id = Guid.CreateVersion7(now),
            Time = now,
            Kind = LedgerEntryKind.Purge,
            Subject = range,
            Detail = string.Create(CultureInfo.InvariantCulture, $"seq={first}-{last} records={records} root={root.ToBase64()}"),
        };
        if (TryCommit([new LedgerItem(null, purge, null)]) is { } error)
        {
            LedgerLog.WriteFailed(_logger, 1, error);
            return;
        }

        using (var command = _checkpoints.CreateCommand())
        {
            command.CommandText = "INSERT OR REPLACE INTO log_start (id, size, frontier) VALUES (0, $s, $f)";
            command.Parameters.AddWithValue("$s", (long)boundary);
            command.Parameters.AddWithValue("$f", LedgerReader.WriteFrontier([.. frontier]));
            command.ExecuteNonQuery();
        }

        DeletePartitions(days);
        LedgerLog.Purged(_logger, range, records, first.Value, last);

        // The purge entry is evidence: sign it now rather than within the minute.
        SignCheckpoint();
    }

    private IReadOnlyList<MerkleHash>? FrontierAt(ulong size)
    {
        using var command = _checkpoints.CreateCommand();
        command.CommandText = "SELECT frontier FROM checkpoints WHERE tree_size = $s ORDER BY number LIMIT 1";
        command.Parameters.AddWithValue("$s", (long)size);
        return command.ExecuteScalar() is byte[] blob ? LedgerReader.ReadFrontier(blob) : null;
    }

    private void DeletePartitions(List<DateOnly> days)
    {
        foreach (var day in days)
        {
            var path = LedgerFiles.PartitionPath(_dataDirectory, day);
            File.Delete(path);
            File.Delete(path + "-wal");
            File.Delete(path + "-shm");
        }
    }

    private static StoredCheckpoint? LastCheckpoint(SqliteConnection checkpoints)
    {
        using var command = checkpoints.CreateCommand();
        command.CommandText = "SELECT number, tree_size, time_us, note, frontier FROM checkpoints ORDER BY number DESC LIMIT 1";
        using var r = command.ExecuteReader();
        return r.Read()
            ? new StoredCheckpoint(r.GetInt64(0), (ulong)r.GetInt64(1), CanonicalTime.FromUnixMicroseconds(r.GetInt64(2)), r.GetString(3), LedgerReader.ReadFrontier((byte[])r.GetValue(4)))
            : null;
    }

    private static (ulong Size, IReadOnlyList<MerkleHash> Frontier) NewestState(string dataDirectory, List<DateOnly> partitions, ulong startSize, IReadOnlyList<MerkleHash> startFrontier)
    {
        for (var i = partitions.Count - 1; i >= 0; i--)
        {
            using var connection = new SqliteConnection(LedgerFiles.ReadOnly(LedgerFiles.PartitionPath(dataDirectory, partitions[i])));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tree_state'";
            if (command.ExecuteScalar() is null)
            {
                continue;
            }

            command.CommandText = "SELECT size, frontier FROM tree_state WHERE id = 0";
            using var r = command.ExecuteReader();
            if (r.Read())
            {
                return ((ulong)r.GetInt64(0), LedgerReader.ReadFrontier((byte[])r.GetValue(1)));
            }
        }

        return (startSize, startFrontier);
    }

    private static string? CheckTail(
        string dataDirectory, string origin, CheckpointSigningKey key, StoredCheckpoint? last, ulong logStart, IReadOnlyList<MerkleHash> logStartFrontier,
        ulong size, IReadOnlyList<MerkleHash> frontier, out IncrementalMerkleTree tree)
    {
        if (!IncrementalMerkleTree.TryRestore(size, [.. frontier], out var restored))
        {
            tree = new IncrementalMerkleTree();
            return $"the stored tree state (size {size}) is malformed";
        }

        tree = restored;
        if (last is not null && last.TreeSize > size)
        {
            return $"checkpoint {last.Number} covers {last.TreeSize} entries but the partitions hold only {size}: entries {size}-{last.TreeSize - 1} are missing (truncated or a partition file removed)";
        }

        // The newest rows must end exactly where the tree state does (rows cut off the end would
        // otherwise pass: they are before the last checkpoint, which only a full verify re-reads).
        var partitions = LedgerFiles.ListPartitions(dataDirectory);
        if (partitions.Count > 0 && size > logStart && LedgerReader.Range(LedgerFiles.PartitionPath(dataDirectory, partitions[^1])) is var newest)
        {
            if (newest is not { } span || span.Last + 1 != size)
            {
                var have = newest is { } n ? n.Last + 1 : 0;
                return $"the newest partition ends at entry {have} but the tree state says {size}: entries {have}-{size - 1} are missing (rows deleted or the file cut short)";
            }
        }

        var keys = LedgerStoreVerifier.LoadTrustedKeys(dataDirectory, origin, out _);
        if (keys.Count == 0)
        {
            keys.Add(key.PublicKey);
        }

        var start = last?.TreeSize ?? logStart;
        var startFrontier = last?.Frontier ?? logStartFrontier;
        var report = LedgerStoreVerifier.VerifyFrom(dataDirectory, start, startFrontier, last is null ? [] : [last], keys, origin);
        if (report.Failure is { } failure)
        {
            return failure.Message;
        }

        if (report.TreeSize != size || report.RootHash != restored.Root)
        {
            return $"the partitions hold entries up to {report.TreeSize} but the stored tree state says {size} (or another root): rows added or removed outside the writer";
        }

        return null;
    }
}
