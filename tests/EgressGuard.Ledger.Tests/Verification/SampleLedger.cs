using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Tests.Canonical;
using EgressGuard.Ledger.Tests.Checkpoints;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Ledger.Tests.Verification;

/// <summary>
/// A ledger as the appliance would write it: encoded records (transfers with an event now and then)
/// and a signed checkpoint every <c>checkpointEvery</c> records, numbered from 0.
/// </summary>
internal sealed class SampleLedger : IDisposable
{
    private SampleLedger(CheckpointSigningKey key) => Key = key;

    public CheckpointSigningKey Key { get; }

    public List<byte[]> Records { get; } = [];

    public List<MerkleHash> LeafHashes { get; } = [];

    public List<string> Notes { get; } = [];

    public List<Checkpoint> Checkpoints { get; } = [];

    public LedgerVerificationOptions Options => new() { TrustedKeys = [Key.PublicKey], ExpectedOrigin = CheckpointSamples.Origin };

    public static SampleLedger Create(int records, int checkpointEvery, int checkpointUpTo = -1)
    {
        var ledger = new SampleLedger(CheckpointSigningKey.Generate(CheckpointSamples.Origin));
        var tree = new IncrementalMerkleTree();
        checkpointUpTo = checkpointUpTo < 0 ? records : checkpointUpTo;
        for (var i = 0; i < records; i++)
        {
            ledger.Append(tree, i % 97 == 50 ? CanonicalEncoder.Encode((ulong)i, LedgerSamples.Event(i)) : CanonicalEncoder.Encode((ulong)i, LedgerSamples.Transfer(i)));
            if ((i + 1) % checkpointEvery == 0 && i + 1 <= checkpointUpTo)
            {
                ledger.Sign(tree, [ledger.Key]);
            }
        }

        if (records % checkpointEvery != 0 && checkpointUpTo == records)
        {
            ledger.Sign(tree, [ledger.Key]);
        }

        return ledger;
    }

    public void Append(IncrementalMerkleTree tree, byte[] encoded)
    {
        var leaf = TreeHasher.HashLeaf(encoded);
        Records.Add(encoded);
        LeafHashes.Add(leaf);
        tree.Append(leaf);
    }

    public void Sign(IncrementalMerkleTree tree, IReadOnlyList<CheckpointSigningKey> keys, MerkleHash? root = null)
    {
        var checkpoint = CheckpointSamples.Create(tree.Size, (ulong)Checkpoints.Count, root ?? tree.Root);
        Checkpoints.Add(checkpoint);
        Notes.Add(CheckpointNote.Sign(checkpoint, keys));
    }

    public List<EncodedLedgerEntry> Entries(bool withStoredLeafHashes = false) =>
        [.. Records.Select((r, i) => new EncodedLedgerEntry((ulong)i, r, withStoredLeafHashes ? LeafHashes[i] : null))];

    public List<CheckpointEvidence> Evidence() => [.. Notes.Select(n => new CheckpointEvidence { Note = n })];

    public LeafHashList Source()
    {
        var list = new LeafHashList();
        foreach (var leaf in LeafHashes)
        {
            list.Add(leaf);
        }

        return list;
    }

    public void Dispose() => Key.Dispose();
}
