using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Verification;

/// <summary>The state of one <see cref="LedgerVerifier.Verify"/> pass.</summary>
internal sealed class VerificationRun
{
    private readonly LedgerVerificationOptions _options;
    private readonly List<CheckpointPublicKey> _trusted;
    private readonly List<(ulong Sequence, CheckpointPublicKey Key)> _pendingKeys = [];
    private readonly List<string> _learned = [];

    private IncrementalMerkleTree _tree = new();
    private MerkleHash _startRoot;
    private string? _origin;
    private LedgerFailure? _failure;

    // The next checkpoint, read but not yet checked.
    private IEnumerator<CheckpointEvidence>? _checkpoints;
    private CheckpointEvidence? _pending;
    private Checkpoint? _pendingPeek;
    private int _pendingIndex = -1;

    // The last checkpoint checked.
    private Checkpoint? _previous;
    private int _checked;
    private ulong _coveredSize;

    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;

    public VerificationRun(LedgerVerificationOptions options)
    {
        _options = options;
        _trusted = [.. options.TrustedKeys];
        _origin = options.ExpectedOrigin;
    }

    public LedgerVerificationReport Run(IEnumerable<EncodedLedgerEntry> records, IEnumerable<CheckpointEvidence> checkpoints)
    {
        var frontier = _options.StartFrontier.ToArray();
        if (!IncrementalMerkleTree.TryRestore(_options.StartSize, frontier, out var tree))
        {
            Fail(LedgerFailureKind.MissingProof,
                $"the start frontier has {frontier.Length} hashes; start size {_options.StartSize} needs {ulong.PopCount(_options.StartSize)}");
            return Report();
        }

        _tree = tree;
        _startRoot = tree.Root;
        _coveredSize = _options.StartSize;
        using (_checkpoints = checkpoints.GetEnumerator())
        {
            // Checkpoints at or before the start are checked against the start state first.
            ReadNextCheckpoint();
            CheckDueCheckpoints();
            using (var e = records.GetEnumerator())
            {
                while (_failure is null && e.MoveNext())
                {
                    AddRecord(e.Current, e);
                    CheckDueCheckpoints();
                }
            }

            // Whatever remains lies beyond the last record.
            while (_failure is null && _pending is not null)
            {
                CheckBeyondEnd();
            }
        }

        return Report();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void AddRecord(in EncodedLedgerEntry entry, IEnumerator<EncodedLedgerEntry> rest)
    {
        var expected = _tree.Size;
        if (entry.Sequence != expected)
        {
            ClassifySequenceFault(entry.Sequence, expected, rest);
            return;
        }

        var bytes = entry.Encoding.Span;
        var error = CanonicalDecoder.Validate(bytes, out var header);
        if (error != CanonicalDecodeError.None)
        {
            Fail(LedgerFailureKind.MalformedRecord, $"record {expected} is not a canonical entry ({error})", sequence: expected);
            return;
        }

        if (header.Sequence != expected)
        {
            Fail(LedgerFailureKind.Reordered,
                $"record stored as {expected} carries sequence number {header.Sequence} in its encoding (moved from another position)",
                sequence: expected);
            return;
        }

        var leaf = TreeHasher.HashLeaf(bytes);
        if (entry.StoredLeafHash is { } stored && stored != leaf)
        {
            Fail(LedgerFailureKind.Modified, $"record {expected} does not match its stored leaf hash (a field was changed)", sequence: expected);
            return;
        }

        if (header.Kind == LedgerEntryKind.KeyRotation && _options.LearnRotatedKeys)
        {
            NoteKeyRotation(bytes, expected);
        }

        _tree.Append(leaf);
        _minTime = Math.Min(_minTime, header.TimeMicroseconds);
        _maxTime = Math.Max(_maxTime, header.TimeMicroseconds);
    }

    private void NoteKeyRotation(ReadOnlySpan<byte> bytes, ulong sequence)
    {
        if (CanonicalDecoder.TryDecode(bytes, out var entry) == CanonicalDecodeError.None
            && entry?.Event is { } rotation
            && KeyRotationEvent.TryGetNewKey(rotation, out var key))
        {
            _pendingKeys.Add((sequence, key));
        }
    }

    private void ClassifySequenceFault(ulong got, ulong expected, IEnumerator<EncodedLedgerEntry> rest)
    {
        if (got < expected)
        {
            Fail(LedgerFailureKind.Inserted,
                $"a second record with sequence number {got} follows record {expected - 1} (inserted or duplicated)",
                sequence: got);
            return;
        }

        // got > expected: a gap, or the expected record comes later (reordered), or 'got' is an extra.
        // Look ahead at sequence numbers only; this pass ends here either way.
        var foundExpected = false;
        var gotAgain = false;
        var maxSeen = got;
        var seen = 0;
        while (seen < _options.SequenceLookahead && rest.MoveNext())
        {
            seen++;
            var s = rest.Current.Sequence;
            foundExpected |= s == expected;
            gotAgain |= s == got;
            maxSeen = Math.Max(maxSeen, s);
        }

        var atEnd = seen < _options.SequenceLookahead || !rest.MoveNext();
        if (!foundExpected)
        {
            var missing = got - 1 == expected ? $"record {expected} is missing" : $"records {expected} to {got - 1} are missing";
            var context = expected == _options.StartSize ? $"the records start at {got}" : $"record {got} follows record {expected - 1}";
            Fail(LedgerFailureKind.Deleted, $"{missing} (deleted): {context}", sequence: expected, lastSequence: got - 1);
        }
        else if (gotAgain)
        {
            Fail(LedgerFailureKind.Inserted, $"record {got} appears before record {expected} and again later (inserted copy)", sequence: got);
        }
        else if (got != expected + 1 && atEnd && maxSeen == got)
        {
            // Nothing after 'got' exists: it has no place of its own in this log.
            Fail(LedgerFailureKind.Inserted, $"record {got} is out of place before record {expected} and the log ends before {got} (inserted)", sequence: got);
        }
        else
        {
            Fail(LedgerFailureKind.Reordered, $"record {expected} appears after record {got} (reordered)", sequence: expected);
        }
    }

    private void ReadNextCheckpoint()
    {
        _pending = null;
        _pendingPeek = null;
        if (_failure is not null || _checkpoints is null || !_checkpoints.MoveNext())
        {
            return;
        }

        _pendingIndex++;
        var evidence = _checkpoints.Current;
        var error = CheckpointNote.PeekUnverified(evidence?.Note ?? string.Empty, out var peek, out var message);
        if (error != CheckpointError.None || evidence is null || peek is null)
        {
            Fail(LedgerFailureKind.MalformedCheckpoint, $"checkpoint {_pendingIndex} is malformed ({error}: {message})", checkpointIndex: _pendingIndex);
            return;
        }

        _pending = evidence;
        _pendingPeek = peek;
    }

    private void CheckDueCheckpoints()
    {
        while (_failure is null && _pendingPeek is not null && _pendingPeek.TreeSize <= _tree.Size)
        {
            CheckPending(beyondEnd: false);
            ReadNextCheckpoint();
        }
    }

    private void CheckBeyondEnd()
    {
        CheckPending(beyondEnd: true);
        ReadNextCheckpoint();
    }

    private void CheckPending(bool beyondEnd)
    {
        var index = _pendingIndex;
        var verification = CheckpointNote.Verify(_pending!.Note, _trusted);
        if (!verification.IsValid)
        {
            var kind = verification.Error is CheckpointError.BadSignature or CheckpointError.UnknownSigner
                ? LedgerFailureKind.BadSignature
                : LedgerFailureKind.MalformedCheckpoint;
            Fail(kind, $"checkpoint {index} (number {_pendingPeek!.Number}, size {_pendingPeek.TreeSize}): {verification.Message}",
                checkpointIndex: index, checkpointNumber: _pendingPeek.Number);
            return;
        }

        var cp = verification.Checkpoint!;
        if (!CheckAgainstPrevious(cp, index))
        {
            return;
        }

        var proof = _pending.ConsistencyProof?.ToArray() ?? [];
        if (cp.TreeSize < _options.StartSize)
        {
            // Before the first record: only a proof ties it to the start state.
            if (_pending.ConsistencyProof is null)
            {
                Fail(LedgerFailureKind.MissingProof,
                    $"checkpoint {index} (size {cp.TreeSize}) precedes the first record ({_options.StartSize}) and has no consistency proof",
                    checkpointIndex: index, checkpointNumber: cp.Number);
                return;
            }

            var result = MerkleProofVerifier.VerifyConsistency(cp.TreeSize, _options.StartSize, cp.RootHash, _startRoot, proof);
            if (result != ProofVerificationResult.Valid)
            {
                Fail(LedgerFailureKind.Modified,
                    $"the state before record {_options.StartSize} is not consistent with checkpoint {index} (size {cp.TreeSize}): {result}",
                    checkpointIndex: index, checkpointNumber: cp.Number);
                return;
            }
        }
        else if (beyondEnd)
        {
            var end = _tree.Size;
            if (_pending.ConsistencyProof is null)
            {
                Fail(LedgerFailureKind.Truncated,
                    $"checkpoint {index} covers {cp.TreeSize} records but the log ends at {end}: records {end} to {cp.TreeSize - 1} are missing",
                    sequence: end, lastSequence: cp.TreeSize - 1, checkpointIndex: index, checkpointNumber: cp.Number);
                return;
            }

            var result = MerkleProofVerifier.VerifyConsistency(end, cp.TreeSize, _tree.Root, cp.RootHash, proof);
            if (result != ProofVerificationResult.Valid)
            {
                Fail(LedgerFailureKind.Modified,
                    $"records {_coveredSize} to {end - 1} are not a prefix of checkpoint {index} (size {cp.TreeSize}): {result}",
                    sequence: _coveredSize, lastSequence: end == 0 ? null : end - 1, checkpointIndex: index, checkpointNumber: cp.Number);
                return;
            }

            Covered(end);
        }
        else
        {
            var root = cp.TreeSize == _options.StartSize ? _startRoot : _tree.Root;
            if (root != cp.RootHash)
            {
                Fail(LedgerFailureKind.Modified,
                    $"records {_coveredSize} to {cp.TreeSize - 1} do not match checkpoint {index} (size {cp.TreeSize}): modified, or inserted and renumbered",
                    sequence: _coveredSize, lastSequence: cp.TreeSize == 0 ? null : cp.TreeSize - 1, checkpointIndex: index, checkpointNumber: cp.Number);
                return;
            }

            Covered(cp.TreeSize);
        }

        _previous = cp;
        _checked++;
    }

    private bool CheckAgainstPrevious(Checkpoint cp, int index)
    {
        _origin ??= cp.Origin;
        if (cp.Origin != _origin)
        {
            Fail(LedgerFailureKind.WrongOrigin, $"checkpoint {index} is for '{cp.Origin}', not '{_origin}'", checkpointIndex: index, checkpointNumber: cp.Number);
            return false;
        }

        if (_previous is not { } prev)
        {
            return true;
        }

        if (cp.Number > prev.Number + 1)
        {
            Fail(LedgerFailureKind.MissingCheckpoint,
                $"checkpoint {index} is number {cp.Number} but the one before is {prev.Number}: {cp.Number - prev.Number - 1} checkpoint(s) missing",
                checkpointIndex: index, checkpointNumber: cp.Number);
            return false;
        }

        if (cp.Number <= prev.Number)
        {
            Fail(LedgerFailureKind.InconsistentCheckpoints,
                $"checkpoint {index} is number {cp.Number}, not after {prev.Number} (duplicated or out of order)",
                checkpointIndex: index, checkpointNumber: cp.Number);
            return false;
        }

        if (cp.TreeSize < prev.TreeSize)
        {
            Fail(LedgerFailureKind.InconsistentCheckpoints,
                $"checkpoint {index} has size {cp.TreeSize}, smaller than the previous {prev.TreeSize} (log rolled back)",
                checkpointIndex: index, checkpointNumber: cp.Number);
            return false;
        }

        if (cp.TreeSize == prev.TreeSize && cp.RootHash != prev.RootHash)
        {
            Fail(LedgerFailureKind.InconsistentCheckpoints,
                $"checkpoints {index - 1} and {index} sign different roots for size {cp.TreeSize} (forked log)",
                checkpointIndex: index, checkpointNumber: cp.Number);
            return false;
        }

        return true;
    }

    private void Covered(ulong verifiedSize)
    {
        _coveredSize = Math.Max(_coveredSize, verifiedSize);

        // A rotation entry the checkpoint covers now vouches for its new key.
        foreach (var (sequence, key) in _pendingKeys)
        {
            if (sequence < verifiedSize && !_trusted.Exists(k => k.KeyId == key.KeyId && k.Name == key.Name))
            {
                _trusted.Add(key);
                _learned.Add(key.ToVerifierKey());
            }
        }

        _pendingKeys.RemoveAll(p => p.Sequence < verifiedSize);
    }

    private void Fail(
        LedgerFailureKind kind, string message, ulong? sequence = null, ulong? lastSequence = null, int? checkpointIndex = null, ulong? checkpointNumber = null)
    {
        _failure ??= new LedgerFailure
        {
            Kind = kind,
            Sequence = sequence,
            LastSequence = lastSequence,
            CheckpointIndex = checkpointIndex,
            CheckpointNumber = checkpointNumber,
            Message = message,
        };
    }

    private LedgerVerificationReport Report() => new()
    {
        Failure = _failure,
        RecordsChecked = _tree.Size - Math.Min(_tree.Size, _options.StartSize),
        CheckpointsChecked = _checked,
        FirstSequence = _options.StartSize,
        TreeSize = _tree.Size,
        RootHash = _tree.Root,
        UncoveredRecords = _tree.Size - Math.Min(_tree.Size, _coveredSize),
        FirstTime = _minTime == long.MaxValue ? null : CanonicalTime.FromUnixMicroseconds(_minTime),
        LastTime = _maxTime == long.MinValue ? null : CanonicalTime.FromUnixMicroseconds(_maxTime),
        LearnedKeys = _learned,
    };
}
