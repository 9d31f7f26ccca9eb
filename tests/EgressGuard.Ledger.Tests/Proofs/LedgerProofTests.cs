using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Proofs;
using EgressGuard.Ledger.Storage;
using EgressGuard.Ledger.Tests.Storage;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Proofs;

/// <summary>
/// Inclusion and consistency proofs built from a real store (written by the real writer) and checked
/// offline from the proof file and the public key, as an auditor does.
/// </summary>
public sealed class LedgerProofTests
{
    private static readonly string Origin = new LedgerOptions { DataDirectory = "." }.Origin;

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(255UL)]
    [InlineData(256UL)]
    [InlineData(299UL)]
    [InlineData(300UL)]
    [InlineData(512UL)]
    [InlineData(699UL)]
    public async Task ProveInclusion_AnyEntryOfAStoreSpanningBlocks_ChecksOfflineWithThePublicKey(ulong sequence)
    {
        using var dir = new TempDirectory();
        var records = await StoreSamples.WriteAsync(dir.Path, 700, 300);

        var built = Prove(dir.Path, sequence);
        var check = ProofChecker.Check(Bytes(built), StoreSamples.PublicKey(dir.Path));

        Assert.True(check.IsValid, check.Message);
        Assert.Equal(sequence, check.Entry!.Sequence);
        Assert.Equal(records[(int)sequence].Id, check.Entry.Transfer!.Id);
        Assert.Equal(700UL, check.To!.TreeSize); // the newest checkpoint, signed at shutdown
    }

    [Fact]
    public async Task ProveInclusion_AgainstAnOlderCheckpoint_ChecksAndANewerEntryIsNotYetCovered()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 700, 300);
        var first = LedgerReader.ReadCheckpoints(dir.Path).First(c => c.TreeSize == 300);

        var old = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 42, first.Number);
        var tooNew = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 350, first.Number);
        var missing = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 5000);
        var noCheckpoint = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 1, 9999);

        var check = ProofChecker.Check(old.Proof!, StoreSamples.PublicKey(dir.Path));
        Assert.True(check.IsValid, check.Message);
        Assert.Equal(300UL, check.To!.TreeSize);
        Assert.Equal(ProofError.NotYetCovered, tooNew.Error);
        Assert.Contains("covers entries 0-299", tooNew.Message, StringComparison.Ordinal);
        Assert.Equal(ProofError.NotFound, missing.Error);
        Assert.Equal(ProofError.NoSuchCheckpoint, noCheckpoint.Error);
    }

    [Fact]
    public async Task CheckInclusion_EveryKindOfEditToTheProofFile_IsRefusedNamingWhatIsWrong()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 100, 50);
        var key = StoreSamples.PublicKey(dir.Path);
        var json = Bytes(Prove(dir.Path, 42));
        Assert.True(ProofChecker.Check(json, key).IsValid);

        // The entry's bytes: one host name changed (same length), as someone rewriting a record would.
        var entry = Convert.FromBase64String(Node(json)["entry"]!.GetValue<string>());
        var host = Encoding.UTF8.GetBytes("host42.example.com");
        var at = entry.AsSpan().IndexOf(host);
        Assert.True(at > 0);
        entry[at + 5] = (byte)'3';
        var editedEntry = Edit(json, n => n["entry"] = Convert.ToBase64String(entry));
        var otherSequence = Edit(json, n => n["sequence"] = 43);
        var editedPath = Edit(json, n => n["path"]![0] = Convert.ToBase64String(SHA256.HashData("x"u8)));
        var shortPath = Edit(json, n => n["path"]!.AsArray().RemoveAt(0));
        var editedNote = Edit(json, n => n["checkpoint"]!["note"] = n["checkpoint"]!["note"]!.GetValue<string>().Replace("\n100\n", "\n101\n", StringComparison.Ordinal));
        var editedSize = Edit(json, n => n["checkpoint"]!["treeSize"] = 99);
        using var otherDir = new TempDirectory();
        await StoreSamples.WriteAsync(otherDir.Path, 1, 1);

        AssertFails(ProofCheckFailure.PathInvalid, ProofChecker.Check(editedEntry, key));
        AssertFails(ProofCheckFailure.EntryMismatch, ProofChecker.Check(otherSequence, key));
        AssertFails(ProofCheckFailure.PathInvalid, ProofChecker.Check(editedPath, key));
        AssertFails(ProofCheckFailure.PathInvalid, ProofChecker.Check(shortPath, key));
        AssertFails(ProofCheckFailure.BadSignature, ProofChecker.Check(editedNote, key));
        AssertFails(ProofCheckFailure.BadSignature, ProofChecker.Check(editedSize, key));
        AssertFails(ProofCheckFailure.BadSignature, ProofChecker.Check(json, StoreSamples.PublicKey(otherDir.Path)));
        AssertFails(ProofCheckFailure.Malformed, ProofChecker.Check("{\"format\":"u8, key));
        AssertFails(ProofCheckFailure.Malformed, ProofChecker.Check(Edit(json, n => n["format"] = "something/1"), key));
        AssertFails(ProofCheckFailure.Malformed, ProofChecker.Check(Edit(json, n => n["path"]![1] = "not base64"), key));
    }

    [Fact]
    public async Task CheckInclusion_WithoutAPinnedKey_TrustsTheFileAndSaysSo()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 10, 5);

        var check = ProofChecker.Check(Bytes(Prove(dir.Path, 3)), null);

        Assert.True(check.IsValid, check.Message);
        Assert.Contains("pass --public-key", check.TrustedKeySource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProveInclusion_StoreChangedUnderneath_RefusesInsteadOfHandingOutABadProof()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 100, 50);
        var partition = StoreSamples.Partition(dir.Path);

        // One record's bytes rewritten (its stored leaf hash left as it was).
        var canon = StoreSamples.Canon(partition, 20);
        canon[^1] ^= 1;
        StoreSamples.Sql(partition, "UPDATE entries SET canon = $c WHERE seq = 20", ("$c", canon));
        var edited = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 20);
        var other = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 70);

        // One stored leaf hash rewritten: every root is computed over it, so no entry proves any more.
        StoreSamples.Sql(partition, "UPDATE entries SET leaf = zeroblob(32) WHERE seq = 10");
        var neighbour = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 11);
        var far = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 70);

        Assert.Equal(ProofError.StoreInconsistent, edited.Error);
        Assert.Contains("ledger verify", edited.Message, StringComparison.Ordinal);
        Assert.Equal(ProofError.None, other.Error);
        Assert.Equal(ProofError.StoreInconsistent, neighbour.Error);
        Assert.Equal(ProofError.StoreInconsistent, far.Error);
    }

    [Fact]
    public async Task ProveConsistency_BetweenCheckpoints_ChecksAndAnEditedProofDoesNot()
    {
        using var dir = new TempDirectory();
        await StoreSamples.WriteAsync(dir.Path, 700, 300);
        var checkpoints = LedgerReader.ReadCheckpoints(dir.Path);
        var first = checkpoints.First(c => c.TreeSize == 300);
        var key = StoreSamples.PublicKey(dir.Path);

        var built = LedgerProver.ProveConsistency(dir.Path, Origin, Keys(dir.Path), first.Number);
        var json = Bytes(built);
        var check = ProofChecker.Check(json, key);
        var same = LedgerProver.ProveConsistency(dir.Path, Origin, Keys(dir.Path), first.Number, first.Number);
        var backwards = LedgerProver.ProveConsistency(dir.Path, Origin, Keys(dir.Path), checkpoints[^1].Number, first.Number);

        Assert.True(check.IsValid, check.Message);
        Assert.Equal(300UL, check.From!.TreeSize);
        Assert.Equal(700UL, check.To!.TreeSize);
        Assert.True(ProofChecker.Check(same.Proof!, key).IsValid);
        Assert.Empty(same.Proof!.Path);
        Assert.Equal(ProofError.NoSuchCheckpoint, backwards.Error);
        AssertFails(ProofCheckFailure.PathInvalid, ProofChecker.Check(Edit(json, n => n["path"]![0] = Convert.ToBase64String(SHA256.HashData("x"u8))), key));
        AssertFails(ProofCheckFailure.PathInvalid, ProofChecker.Check(Edit(json, n => n["path"]!.AsArray().RemoveAt(0)), key));

        // Two signed checkpoints that cannot both be true: swapping in the other one's note is caught.
        var swapped = Edit(json, n => n["from"] = JsonNode.Parse(n["to"]!.ToJsonString()));
        AssertFails(ProofCheckFailure.PathInvalid, ProofChecker.Check(swapped, key));
    }

    [Fact]
    public async Task Proofs_AfterRetentionPurgedTheFirstDay_KeptEntriesAndOldCheckpointsStillProve()
    {
        using var dir = new TempDirectory();
        var day0 = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new ManualClock(day0);
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            for (var day = 0; day < 3; day++)
            {
                clock.Now = day0.AddDays(day);
                for (var i = 0; i < 10; i++)
                {
                    await ledger.AppendAsync(TestTransfers.Create(clock.Now.AddSeconds(i)));
                }

                await ledger.FlushAsync();
                await ledger.CheckpointAsync();
            }
        }

        var beforePurge = LedgerReader.ReadCheckpoints(dir.Path).First(c => c.TreeSize == 10);
        clock.Now = day0.AddDays(731);
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock))
        {
            await ledger.FlushAsync();
        }

        Assert.Equal(10UL, LedgerReader.ReadLogStart(dir.Path).Size); // day 0 (entries 0-9) is gone

        // A day without rows between the kept ones (a partition whose rows were all removed): searches pass over it.
        var empty = LedgerFiles.PartitionPath(dir.Path, new DateOnly(2024, 6, 1));
        File.Copy(LedgerFiles.PartitionPath(dir.Path, new DateOnly(2024, 1, 3)), empty);
        StoreSamples.Sql(empty, "DELETE FROM entries");

        var key = StoreSamples.PublicKey(dir.Path);
        var newest = LedgerReader.ReadNewestCheckpoint(dir.Path)!.TreeSize - 1; // the purge entry, in today's partition
        foreach (var sequence in new ulong[] { 10, 11, 15, 29, newest })
        {
            var check = ProofChecker.Check(Bytes(Prove(dir.Path, sequence)), key);
            Assert.True(check.IsValid, $"entry {sequence}: {check.Message}");
        }

        var purged = LedgerProver.ProveInclusion(dir.Path, Origin, Keys(dir.Path), 3);
        var consistency = LedgerProver.ProveConsistency(dir.Path, Origin, Keys(dir.Path), beforePurge.Number);

        Assert.Equal(ProofError.Purged, purged.Error);
        Assert.True(consistency.Proof is not null, consistency.Message);
        var checkConsistency = ProofChecker.Check(consistency.Proof, key);
        Assert.True(checkConsistency.IsValid, checkConsistency.Message);
    }

    [Fact]
    public async Task FindTransfer_ByReferenceId_GivesItsSequenceNumber()
    {
        using var dir = new TempDirectory();
        var records = new List<EgressGuard.Ledger.Records.TransferRecord>();
        await using (var ledger = MerkleTransferLedgerTests.Open(dir.Path))
        {
            for (var i = 0; i < 5; i++)
            {
                var record = TestTransfers.Create(TestTransfers.BaseTime.AddMilliseconds(i * 7));
                records.Add(record);
                await ledger.AppendAsync(record);
            }
        }

        Assert.Equal(3UL, LedgerProver.FindTransfer(dir.Path, records[3].Id));
        Assert.Null(LedgerProver.FindTransfer(dir.Path, Guid.CreateVersion7(TestTransfers.BaseTime))); // same millisecond, another id
        Assert.Null(LedgerProver.FindTransfer(dir.Path, Guid.NewGuid())); // not a UUIDv7
        Assert.Null(LedgerProver.FindTransfer(dir.Path, Guid.Parse("ffffffff-ffff-7fff-bfff-ffffffffffff"))); // a v7 time past year 9999
    }

    private static InclusionProof Prove(string dataDirectory, ulong sequence)
    {
        var result = LedgerProver.ProveInclusion(dataDirectory, Origin, Keys(dataDirectory), sequence);
        Assert.True(result.Proof is not null, $"{result.Error}: {result.Message}");
        return result.Proof;
    }

    private static List<CheckpointPublicKey> Keys(string dataDirectory) => LedgerStoreVerifier.LoadTrustedKeys(dataDirectory, Origin, out _);

    private static byte[] Bytes(InclusionProof proof) => Write(w => ProofJson.Write(w, proof));

    private static byte[] Bytes(ProofResult<ConsistencyProof> result)
    {
        Assert.True(result.Proof is not null, $"{result.Error}: {result.Message}");
        return Write(w => ProofJson.Write(w, result.Proof));
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return buffer.ToArray();
    }

    private static JsonNode Node(byte[] json) => JsonNode.Parse(json)!;

    private static byte[] Edit(byte[] json, Action<JsonNode> edit)
    {
        var node = Node(json);
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static void AssertFails(ProofCheckFailure expected, ProofCheck check)
    {
        Assert.False(check.IsValid);
        Assert.True(expected == check.Failure, $"expected {expected}, got {check.Failure}: {check.Message}");
        Assert.NotEmpty(check.Message);
    }
}
