using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Tests.Canonical;
using EgressGuard.Ledger.Tests.Checkpoints;
using EgressGuard.Ledger.Verification;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Tests.Verification;

public sealed class LedgerVerifierTests : IDisposable
{
    // 1,000 records, checkpoints #0..#9 at sizes 100, 200, ..., 1000.
    private readonly SampleLedger _ledger = SampleLedger.Create(1_000, 100);

    public void Dispose() => _ledger.Dispose();

    [Fact]
    public void Verify_UntouchedLedger_SucceedsAndCounts()
    {
        var report = LedgerVerifier.Verify(_ledger.Entries(withStoredLeafHashes: true), _ledger.Evidence(), _ledger.Options);

        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(1_000UL, report.RecordsChecked);
        Assert.Equal(10, report.CheckpointsChecked);
        Assert.Equal(0UL, report.UncoveredRecords);
        Assert.Equal(1_000UL, report.TreeSize);
        Assert.Equal(_ledger.Checkpoints[^1].RootHash, report.RootHash);
        var times = _ledger.Records.Select(r => CanonicalDecoder.TryReadHeader(r, out var h) == CanonicalDecodeError.None ? h.Time : default).ToList();
        Assert.Equal(LedgerSamples.BaseTime, report.FirstTime);
        Assert.Equal(times.Max(), report.LastTime); // the latest time, not the last record's (events are later here)
        Assert.NotEqual(times[^1], report.LastTime);
    }

    [Fact]
    public void Verify_RecordsAfterTheLastCheckpoint_AreCountedAsUncovered()
    {
        using var ledger = SampleLedger.Create(1_050, 100, checkpointUpTo: 1_000);

        var report = LedgerVerifier.Verify(ledger.Entries(), ledger.Evidence(), ledger.Options);

        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(50UL, report.UncoveredRecords);
    }

    [Fact]
    public void Verify_OneFieldChanged_IsModifiedWithinTheCheckpointRange()
    {
        var entries = _ledger.Entries();
        entries[437] = Reencode(437, r => r with { Host = "evil.example" });

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Modified, failure.Kind);
        Assert.Equal(400UL, failure.Sequence);
        Assert.Equal(499UL, failure.LastSequence);
        Assert.Equal(4, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_OneFieldChangedWithStoredLeafHashes_NamesTheRecord()
    {
        var entries = _ledger.Entries(withStoredLeafHashes: true);
        entries[437] = Reencode(437, r => r with { BytesUp = r.BytesUp + 1 }) with { StoredLeafHash = _ledger.LeafHashes[437] };

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Modified, failure.Kind);
        Assert.Equal(437UL, failure.Sequence);
    }

    [Fact]
    public void Verify_ModifiedAndItsStoredLeafHashRewritten_IsStillCaughtByTheCheckpoint()
    {
        var entries = _ledger.Entries(withStoredLeafHashes: true);
        var forged = Reencode(437, r => r with { Decision = TransferVerdict.Allow, Status = 200 });
        entries[437] = forged with { StoredLeafHash = TreeHasher.HashLeaf(forged.Encoding.Span) };

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Modified, failure.Kind);
        Assert.Equal(400UL, failure.Sequence);
    }

    [Theory]
    [InlineData(437, 1)]
    [InlineData(437, 3)]
    [InlineData(0, 1)]
    public void Verify_RowsDeleted_IsDeletedNamingTheFirstMissing(int first, int count)
    {
        var entries = _ledger.Entries();
        entries.RemoveRange(first, count);

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Deleted, failure.Kind);
        Assert.Equal((ulong)first, failure.Sequence);
        Assert.Equal((ulong)(first + count - 1), failure.LastSequence);
        Assert.Contains("deleted", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DuplicateRowInserted_IsInserted()
    {
        var entries = _ledger.Entries();
        entries.Insert(438, Reencode(437, r => r with { Id = Guid.NewGuid() }));

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Inserted, failure.Kind);
        Assert.Equal(437UL, failure.Sequence);
    }

    [Fact]
    public void Verify_StrayRowWithUnusedSequenceInserted_IsInserted()
    {
        var entries = _ledger.Entries();
        var stray = CanonicalEncoder.Encode(5_000, LedgerSamples.Transfer(5_000));
        entries.Insert(438, new EncodedLedgerEntry(5_000, stray));

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Inserted, failure.Kind);
        Assert.Equal(5_000UL, failure.Sequence);
    }

    [Fact]
    public void Verify_TwoRowsSwapped_IsReordered()
    {
        var entries = _ledger.Entries();
        (entries[437], entries[438]) = (entries[438], entries[437]);

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Reordered, failure.Kind);
        Assert.Equal(437UL, failure.Sequence);
    }

    [Fact]
    public void Verify_RowMovedFarEarlier_IsReordered()
    {
        var entries = _ledger.Entries();
        var moved = entries[900];
        entries.RemoveAt(900);
        entries.Insert(437, moved);

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Reordered, failure.Kind);
        Assert.Equal(437UL, failure.Sequence);
    }

    [Fact]
    public void Verify_ContentsSwappedButSequenceColumnKept_IsReordered()
    {
        var entries = _ledger.Entries();
        entries[437] = new EncodedLedgerEntry(437, _ledger.Records[438]);
        entries[438] = new EncodedLedgerEntry(438, _ledger.Records[437]);

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Reordered, failure.Kind);
        Assert.Equal(437UL, failure.Sequence);
    }

    [Fact]
    public void Verify_TailCut_IsTruncated()
    {
        var entries = _ledger.Entries();
        entries.RemoveRange(970, 30);

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.Truncated, failure.Kind);
        Assert.Equal(970UL, failure.Sequence);
        Assert.Equal(999UL, failure.LastSequence);
        Assert.Equal(9, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_CorruptRecordBytes_IsMalformedRecord()
    {
        var entries = _ledger.Entries();
        var bytes = (byte[])_ledger.Records[10].Clone();
        bytes[0] = 9;
        entries[10] = new EncodedLedgerEntry(10, bytes);

        var failure = LedgerVerifier.Verify(entries, _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.MalformedRecord, failure.Kind);
        Assert.Equal(10UL, failure.Sequence);
    }

    [Fact]
    public void Verify_CheckpointTextEdited_IsBadSignature()
    {
        var evidence = _ledger.Evidence();
        evidence[3] = new CheckpointEvidence { Note = evidence[3].Note.Replace("clock synchronized", "clock unsynchronized", StringComparison.Ordinal) };

        var failure = LedgerVerifier.Verify(_ledger.Entries(), evidence, _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.BadSignature, failure.Kind);
        Assert.Equal(3, failure.CheckpointIndex);
        Assert.Null(failure.Sequence);
    }

    [Fact]
    public void Verify_CheckpointSignedByAnotherKey_IsBadSignature()
    {
        using var other = CheckpointSigningKey.Generate(CheckpointSamples.Origin);
        var evidence = _ledger.Evidence();
        evidence[6] = new CheckpointEvidence { Note = CheckpointNote.Sign(_ledger.Checkpoints[6], other) };

        var failure = LedgerVerifier.Verify(_ledger.Entries(), evidence, _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.BadSignature, failure.Kind);
        Assert.Equal(6, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_CheckpointDropped_IsMissingCheckpoint()
    {
        var evidence = _ledger.Evidence();
        evidence.RemoveAt(5);

        var failure = LedgerVerifier.Verify(_ledger.Entries(), evidence, _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.MissingCheckpoint, failure.Kind);
        Assert.Equal(5, failure.CheckpointIndex);
        Assert.Equal(6UL, failure.CheckpointNumber);
    }

    [Fact]
    public void Verify_GarbageCheckpoint_IsMalformedCheckpoint()
    {
        var evidence = _ledger.Evidence();
        evidence[2] = new CheckpointEvidence { Note = "not a checkpoint" };

        var failure = LedgerVerifier.Verify(_ledger.Entries(), evidence, _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.MalformedCheckpoint, failure.Kind);
        Assert.Equal(2, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_AnotherOrigin_IsWrongOrigin()
    {
        var options = _ledger.Options with { ExpectedOrigin = "egressguard.example/other" };

        var failure = LedgerVerifier.Verify(_ledger.Entries(), _ledger.Evidence(), options).Failure!;

        Assert.Equal(LedgerFailureKind.WrongOrigin, failure.Kind);
        Assert.Equal(0, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_TwoSignedRootsForOneSize_IsInconsistentCheckpoints()
    {
        var tree = Tree(1_000);
        _ledger.Sign(tree, [_ledger.Key], root: TreeHasher.HashLeaf("forked"u8));

        var failure = LedgerVerifier.Verify(_ledger.Entries(), _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.InconsistentCheckpoints, failure.Kind);
        Assert.Equal(10, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_SignedSizeGoingDown_IsInconsistentCheckpoints()
    {
        _ledger.Sign(Tree(900), [_ledger.Key]);

        var failure = LedgerVerifier.Verify(_ledger.Entries(), _ledger.Evidence(), _ledger.Options).Failure!;

        Assert.Equal(LedgerFailureKind.InconsistentCheckpoints, failure.Kind);
        Assert.Equal(10, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_ExportFromTheMiddle_WithFrontierAndProofs_Succeeds()
    {
        var (entries, evidence, options) = Export(300, 700);

        var report = LedgerVerifier.Verify(entries, evidence, options);

        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(400UL, report.RecordsChecked);
        Assert.Equal(300UL, report.FirstSequence);
        Assert.Equal(7, report.CheckpointsChecked); // #1 by proof, #2..#6 recomputed, #7 by proof
        Assert.Equal(0UL, report.UncoveredRecords);
    }

    [Fact]
    public void Verify_ExportWithoutProofForAnEarlierCheckpoint_IsMissingProof()
    {
        var (entries, evidence, options) = Export(300, 700);
        evidence[0] = evidence[0] with { ConsistencyProof = null };

        var failure = LedgerVerifier.Verify(entries, evidence, options).Failure!;

        Assert.Equal(LedgerFailureKind.MissingProof, failure.Kind);
        Assert.Equal(0, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_ExportWithoutProofForALaterCheckpoint_IsTruncated()
    {
        var (entries, evidence, options) = Export(300, 700);
        evidence[^1] = evidence[^1] with { ConsistencyProof = null };

        var failure = LedgerVerifier.Verify(entries, evidence, options).Failure!;

        Assert.Equal(LedgerFailureKind.Truncated, failure.Kind);
        Assert.Equal(700UL, failure.Sequence);
    }

    [Fact]
    public void Verify_ExportWithForgedStartFrontier_IsCaught()
    {
        var (entries, evidence, options) = Export(300, 700);
        var frontier = options.StartFrontier.ToArray();
        frontier[0] = TreeHasher.HashLeaf("forged"u8);

        var failure = LedgerVerifier.Verify(entries, evidence, options with { StartFrontier = frontier }).Failure!;

        Assert.Equal(LedgerFailureKind.Modified, failure.Kind);
        Assert.Equal(0, failure.CheckpointIndex);
    }

    [Fact]
    public void Verify_ExportWithWrongSizedFrontier_IsMissingProof()
    {
        var (entries, evidence, options) = Export(300, 700);

        var failure = LedgerVerifier.Verify(entries, evidence, options with { StartFrontier = [] }).Failure!;

        Assert.Equal(LedgerFailureKind.MissingProof, failure.Kind);
    }

    [Fact]
    public void Verify_ExportWithRecordModified_IsModified()
    {
        var (entries, evidence, options) = Export(300, 700);
        entries[150] = Reencode(450, r => r with { Country = "RU" });

        var failure = LedgerVerifier.Verify(entries, evidence, options).Failure!;

        Assert.Equal(LedgerFailureKind.Modified, failure.Kind);
        Assert.Equal(400UL, failure.Sequence);
    }

    [Fact]
    public void Verify_KeyRotationEntryCoveredByOldKey_TrustsTheNewKey()
    {
        using var ledger = RotatedLedger(includeRotationEntry: true, out var newKey);
        using (newKey)
        {
            var report = LedgerVerifier.Verify(ledger.Entries(), ledger.Evidence(), ledger.Options);

            Assert.True(report.Succeeded, report.Failure?.Message);
            Assert.Equal(3, report.CheckpointsChecked);
            Assert.Equal([newKey.PublicKey.ToVerifierKey()], report.LearnedKeys);

            var failure = LedgerVerifier.Verify(ledger.Entries(), ledger.Evidence(), ledger.Options with { LearnRotatedKeys = false }).Failure!;
            Assert.Equal(LedgerFailureKind.BadSignature, failure.Kind);
            Assert.Equal(2, failure.CheckpointIndex);
        }
    }

    [Fact]
    public void Verify_NewKeyWithoutRotationEntry_IsNotTrusted()
    {
        using var ledger = RotatedLedger(includeRotationEntry: false, out var newKey);
        using (newKey)
        {
            var failure = LedgerVerifier.Verify(ledger.Entries(), ledger.Evidence(), ledger.Options).Failure!;

            Assert.Equal(LedgerFailureKind.BadSignature, failure.Kind);
            Assert.Equal(2, failure.CheckpointIndex);
        }
    }

    [Fact]
    public void Verify_ReadsEachInputOnceFromAReusedBuffer()
    {
        var report = LedgerVerifier.Verify(OnceOnly(ReusedBuffer(_ledger.Records)), OnceOnly(_ledger.Evidence()), _ledger.Options);

        Assert.True(report.Succeeded, report.Failure?.Message);
        Assert.Equal(1_000UL, report.RecordsChecked);
    }

    [Fact]
    public void Verify_AllocationDoesNotGrowWithTheNumberOfRecords()
    {
        using var small = SampleLedger.Create(2_000, 2_000);
        using var large = SampleLedger.Create(20_000, 20_000);
        LedgerVerifier.Verify(ReusedBuffer(small.Records), small.Evidence(), small.Options);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(LedgerVerifier.Verify(ReusedBuffer(small.Records), small.Evidence(), small.Options).Succeeded);
        var smallBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(LedgerVerifier.Verify(ReusedBuffer(large.Records), large.Evidence(), large.Options).Succeeded);
        var largeBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // Ten times the records, (nearly) the same allocation: nothing is kept or allocated per record.
        Assert.True(largeBytes < smallBytes + 16_384, $"{smallBytes} bytes for 2,000 records, {largeBytes} for 20,000");
    }

    private static EncodedLedgerEntry Reencode(int sequence, Func<TransferRecord, TransferRecord> change) =>
        new((ulong)sequence, CanonicalEncoder.Encode((ulong)sequence, change(LedgerSamples.Transfer(sequence))));

    private IncrementalMerkleTree Tree(int size)
    {
        var tree = new IncrementalMerkleTree();
        for (var i = 0; i < size; i++)
        {
            tree.Append(_ledger.LeafHashes[i]);
        }

        return tree;
    }

    // Records [from, to) with the frontier at 'from', checkpoints #1 (size 200) .. #7 (size 800).
    private (List<EncodedLedgerEntry> Entries, List<CheckpointEvidence> Evidence, LedgerVerificationOptions Options) Export(int from, int to)
    {
        var source = _ledger.Source();
        Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryComputeFrontier(source, (ulong)from, out var frontier));
        MerkleProofBuilder.TryBuildConsistencyProof(source, 200, (ulong)from, out var before);
        MerkleProofBuilder.TryBuildConsistencyProof(source, (ulong)to, 800, out var after);
        var notes = _ledger.Notes;
        List<CheckpointEvidence> evidence =
        [
            new() { Note = notes[1], ConsistencyProof = before },
            .. notes.Skip(2).Take(5).Select(n => new CheckpointEvidence { Note = n }),
            new() { Note = notes[7], ConsistencyProof = after },
        ];
        var options = _ledger.Options with { StartSize = (ulong)from, StartFrontier = frontier };
        return (_ledger.Entries().GetRange(from, to - from), evidence, options);
    }

    // 300 records; entry 150 announces a new key; #0 (100) old key, #1 (200) both keys, #2 (300) new key only.
    private static SampleLedger RotatedLedger(bool includeRotationEntry, out CheckpointSigningKey newKey)
    {
        var ledger = SampleLedger.Create(0, 100);
        newKey = CheckpointSigningKey.Generate(CheckpointSamples.Origin);
        var tree = new IncrementalMerkleTree();
        for (var i = 0; i < 300; i++)
        {
            var encoded = i == 150 && includeRotationEntry
                ? CanonicalEncoder.Encode((ulong)i, KeyRotationEvent.Create(Guid.CreateVersion7(), LedgerSamples.BaseTime.AddSeconds(i), ledger.Key.PublicKey, newKey.PublicKey))
                : CanonicalEncoder.Encode((ulong)i, LedgerSamples.Transfer(i));
            ledger.Append(tree, encoded);
            if (tree.Size == 100)
            {
                ledger.Sign(tree, [ledger.Key]);
            }
            else if (tree.Size == 200)
            {
                ledger.Sign(tree, [ledger.Key, newKey]);
            }
            else if (tree.Size == 300)
            {
                ledger.Sign(tree, [newKey]);
            }
        }

        return ledger;
    }

    private static IEnumerable<EncodedLedgerEntry> ReusedBuffer(List<byte[]> records)
    {
        var buffer = new byte[4096];
        for (var i = 0; i < records.Count; i++)
        {
            records[i].CopyTo(buffer, 0);
            yield return new EncodedLedgerEntry((ulong)i, buffer.AsMemory(0, records[i].Length));
            Array.Clear(buffer);
        }
    }

    private static IEnumerable<T> OnceOnly<T>(IEnumerable<T> items) => new OnceOnlyEnumerable<T>(items);

    private sealed class OnceOnlyEnumerable<T>(IEnumerable<T> items) : IEnumerable<T>
    {
        private bool _used;

        public IEnumerator<T> GetEnumerator()
        {
            Assert.False(_used, "enumerated twice");
            _used = true;
            return items.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
