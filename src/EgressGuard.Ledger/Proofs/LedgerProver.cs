using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Proofs;

/// <summary>
/// Builds inclusion and consistency proofs from a ledger directory (read-only; safe while the
/// appliance writes). Every proof is checked against the signed root before it is handed out, so a
/// store whose hashes were changed answers <see cref="ProofError.StoreInconsistent"/> instead of a
/// proof that would fail in the auditor's hands.
/// </summary>
public static class LedgerProver
{
    /// <summary>
    /// The proof that entry <paramref name="sequence"/> is in the log signed by checkpoint
    /// <paramref name="checkpointNumber"/> (default: the newest checkpoint).
    /// </summary>
    public static ProofResult<InclusionProof> ProveInclusion(
        string dataDirectory, string origin, IReadOnlyList<CheckpointPublicKey> trustedKeys, ulong sequence, long? checkpointNumber = null)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        try
        {
            // The checkpoint first: every row it covers was committed before it was signed, so the
            // source opened after it sees them all even while the writer appends.
            var checkpoint = checkpointNumber is { } n ? LedgerReader.ReadCheckpoint(dataDirectory, n) : LedgerReader.ReadNewestCheckpoint(dataDirectory);
            using var source = new StoreHashSource(dataDirectory);
            if (sequence < source.LogStart)
            {
                return ProofResult<InclusionProof>.Fail(ProofError.Purged,
                    $"entry {sequence} was purged by retention (the kept log starts at entry {source.LogStart})");
            }

            if (source.ReadEntry(sequence) is not { } entry)
            {
                return ProofResult<InclusionProof>.Fail(ProofError.NotFound, $"no entry {sequence} is stored (the log holds {source.StoredEnd} entries)");
            }

            if (checkpoint is null)
            {
                return checkpointNumber is { } missing
                    ? ProofResult<InclusionProof>.Fail(ProofError.NoSuchCheckpoint, $"no checkpoint {missing}")
                    : ProofResult<InclusionProof>.Fail(ProofError.NotYetCovered, "no checkpoint has been signed yet");
            }

            if (checkpoint.TreeSize <= sequence)
            {
                return ProofResult<InclusionProof>.Fail(ProofError.NotYetCovered,
                    $"checkpoint {checkpoint.Number} covers {(checkpoint.TreeSize == 0 ? "no entries" : $"entries 0-{checkpoint.TreeSize - 1} only")}; entry {sequence} is newer "
                    + (checkpointNumber is null ? "(the appliance signs a checkpoint at least every minute: retry then)" : "(ask for a later checkpoint)"));
            }

            if (Open(checkpoint, trustedKeys) is not { } signed)
            {
                return ProofResult<InclusionProof>.Fail(ProofError.StoreInconsistent,
                    $"checkpoint {checkpoint.Number} does not verify with the appliance's keys (run `egressguard ledger verify`)");
            }

            if (MerkleProofBuilder.TryBuildInclusionProof(source, sequence, checkpoint.TreeSize, out var path) != ProofBuildStatus.Ok)
            {
                return ProofResult<InclusionProof>.Fail(ProofError.HashesUnavailable,
                    $"a hash between entry {sequence} and checkpoint {checkpoint.Number} is not stored (run `egressguard ledger verify`)");
            }

            if (MerkleProofVerifier.VerifyInclusion(sequence, checkpoint.TreeSize, TreeHasher.HashLeaf(entry), path, signed.RootHash) != ProofVerificationResult.Valid)
            {
                return ProofResult<InclusionProof>.Fail(ProofError.StoreInconsistent,
                    $"the stored entry {sequence} or the hashes around it do not lead to the root signed in checkpoint {checkpoint.Number}: the store was changed (run `egressguard ledger verify`)");
            }

            return new ProofResult<InclusionProof>
            {
                Proof = new InclusionProof
                {
                    Origin = origin, Sequence = sequence, Entry = entry, Path = path, PublicKeys = trustedKeys,
                    Checkpoint = new SignedCheckpoint(checkpoint.Number, checkpoint.TreeSize, checkpoint.Note),
                },
            };
        }
        catch (SqliteException e)
        {
            return ProofResult<InclusionProof>.Fail(ProofError.HashesUnavailable, "the ledger cannot be read: " + e.Message);
        }
    }

    /// <summary>
    /// The proof that the log signed by checkpoint <paramref name="fromNumber"/> is a prefix of the log
    /// signed by checkpoint <paramref name="toNumber"/> (default: the newest).
    /// </summary>
    public static ProofResult<ConsistencyProof> ProveConsistency(
        string dataDirectory, string origin, IReadOnlyList<CheckpointPublicKey> trustedKeys, long fromNumber, long? toNumber = null)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        try
        {
            var from = LedgerReader.ReadCheckpoint(dataDirectory, fromNumber);
            var to = toNumber is { } t ? LedgerReader.ReadCheckpoint(dataDirectory, t) : LedgerReader.ReadNewestCheckpoint(dataDirectory);
            if (from is null || to is null)
            {
                return ProofResult<ConsistencyProof>.Fail(ProofError.NoSuchCheckpoint, $"no checkpoint {(from is null ? fromNumber : toNumber)}");
            }

            if (to.Number < from.Number)
            {
                return ProofResult<ConsistencyProof>.Fail(ProofError.NoSuchCheckpoint, $"checkpoint {to.Number} is older than checkpoint {from.Number}");
            }

            if (Open(from, trustedKeys) is not { } oldSigned || Open(to, trustedKeys) is not { } newSigned)
            {
                return ProofResult<ConsistencyProof>.Fail(ProofError.StoreInconsistent,
                    $"checkpoint {from.Number} or {to.Number} does not verify with the appliance's keys (run `egressguard ledger verify`)");
            }

            if (newSigned.TreeSize < oldSigned.TreeSize)
            {
                return ProofResult<ConsistencyProof>.Fail(ProofError.StoreInconsistent,
                    $"checkpoint {to.Number} signs fewer entries ({newSigned.TreeSize}) than checkpoint {from.Number} ({oldSigned.TreeSize})");
            }

            using var source = new StoreHashSource(dataDirectory);
            source.AddFrontier(from.TreeSize, from.Frontier); // the old tree's subtrees, kept even when its leaves were purged
            if (MerkleProofBuilder.TryBuildConsistencyProof(source, from.TreeSize, to.TreeSize, out var path) != ProofBuildStatus.Ok)
            {
                return ProofResult<ConsistencyProof>.Fail(ProofError.HashesUnavailable,
                    $"a hash between checkpoints {from.Number} and {to.Number} is not stored (purged or damaged; run `egressguard ledger verify`)");
            }

            if (MerkleProofVerifier.VerifyConsistency(from.TreeSize, to.TreeSize, oldSigned.RootHash, newSigned.RootHash, path) != ProofVerificationResult.Valid)
            {
                return ProofResult<ConsistencyProof>.Fail(ProofError.StoreInconsistent,
                    $"the stored hashes do not connect checkpoint {from.Number} to checkpoint {to.Number}: the store was changed (run `egressguard ledger verify`)");
            }

            return new ProofResult<ConsistencyProof>
            {
                Proof = new ConsistencyProof
                {
                    Origin = origin, Path = path, PublicKeys = trustedKeys,
                    From = new SignedCheckpoint(from.Number, from.TreeSize, from.Note),
                    To = new SignedCheckpoint(to.Number, to.TreeSize, to.Note),
                },
            };
        }
        catch (SqliteException e)
        {
            return ProofResult<ConsistencyProof>.Fail(ProofError.HashesUnavailable, "the ledger cannot be read: " + e.Message);
        }
    }

    /// <summary>
    /// The sequence number of the transfer record with reference id <paramref name="id"/> (the id on a
    /// block page). Ids are UUIDv7 whose millisecond is the record's time, so only that millisecond's
    /// rows are read; null when no such record is stored.
    /// </summary>
    public static ulong? FindTransfer(string dataDirectory, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        if (bytes[6] >> 4 != 7)
        {
            return null;
        }

        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        // 48 bits of milliseconds reach past DateTimeOffset's year 9999: no record has such an id.
        if (ms >= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return null;
        }

        // That millisecond's transfers, from the partitions of its day on (a flow is recorded when it ends).
        var time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        try
        {
            foreach (var record in LedgerReader.Query(dataDirectory, new TransferQuery { From = time, To = time.AddMilliseconds(1), Limit = 1_000_000 }).Records)
            {
                if (record.Record.Id == id)
                {
                    return record.Sequence;
                }
            }
        }
        catch (SqliteException)
        {
        }

        return null;
    }

    private static Checkpoint? Open(StoredCheckpoint stored, IReadOnlyList<CheckpointPublicKey> keys)
    {
        var opened = CheckpointNote.Verify(stored.Note, keys);
        return opened.IsValid && opened.Checkpoint is { } cp && cp.TreeSize == stored.TreeSize && cp.Number == (ulong)stored.Number ? cp : null;
    }
}
