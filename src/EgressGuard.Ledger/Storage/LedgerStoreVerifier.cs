using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Ledger.Storage;

/// <summary>
/// Verifies the live store with <see cref="LedgerVerifier"/>: every partition row from the log start
/// (after purges) against every signed checkpoint, plus what only the store has: the indexed filter
/// columns must agree with the hashed bytes (an edited column would otherwise change what queries
/// find), and every partition file must be readable.
/// </summary>
public static class LedgerStoreVerifier
{
    /// <summary>The keys a live verify trusts: the current signing key and every archived public key next to it.</summary>
    public static List<CheckpointPublicKey> LoadTrustedKeys(string dataDirectory, string origin, out string? error)
    {
        error = null;
        var keys = new List<CheckpointPublicKey>();
        var keyPath = LedgerFiles.SigningKeyPath(dataDirectory);
        if (File.Exists(keyPath))
        {
            var loaded = SigningKeyFile.LoadOrCreate(keyPath, origin);
            if (loaded.Key is { } key)
            {
                keys.Add(key.PublicKey);
                key.Dispose();
            }
            else
            {
                error = loaded.Error;
            }
        }

        var folder = LedgerFiles.Directory(dataDirectory);
        if (Directory.Exists(folder))
        {
            foreach (var pem in Directory.EnumerateFiles(folder, "*.pub.pem"))
            {
                if (CheckpointPublicKey.TryFromPem(origin, File.ReadAllText(pem), out var archived, out _))
                {
                    keys.Add(archived);
                }
            }
        }

        return keys;
    }

    /// <summary>Verifies the whole kept log under <paramref name="dataDirectory"/>.</summary>
    public static LedgerVerificationReport Verify(string dataDirectory, IReadOnlyList<CheckpointPublicKey> trustedKeys, string? origin)
    {
        var (startSize, frontier) = LedgerReader.ReadLogStart(dataDirectory);
        var checkpoints = LedgerReader.ReadCheckpoints(dataDirectory);
        var report = VerifyFrom(dataDirectory, startSize, frontier, checkpoints, trustedKeys, origin);
        if (report.Failure is null && LedgerReader.ReadTreeState(dataDirectory) is { } state && state != report.TreeSize)
        {
            // Rows past the last checkpoint are vouched for only by the writer's own tree state.
            return report with
            {
                Failure = new LedgerFailure
                {
                    Kind = state > report.TreeSize ? LedgerFailureKind.Truncated : LedgerFailureKind.Inserted,
                    Sequence = Math.Min(state, report.TreeSize),
                    Message = state > report.TreeSize
                        ? $"the writer's tree state says {state} entries but only {report.TreeSize} are present: entries {report.TreeSize}-{state - 1} are missing"
                        : $"entries {state}-{report.TreeSize - 1} are present beyond the writer's tree state ({state}): inserted outside the writer",
                },
            };
        }

        return report;
    }

    /// <summary>Verifies the entries from <paramref name="startSize"/> against the checkpoints not below it.</summary>
    internal static LedgerVerificationReport VerifyFrom(
        string dataDirectory, ulong startSize, IReadOnlyList<MerkleHash> frontier, IReadOnlyList<StoredCheckpoint> checkpoints,
        IReadOnlyList<CheckpointPublicKey> trustedKeys, string? origin)
    {
        var evidence = new List<CheckpointEvidence>();
        foreach (var cp in checkpoints)
        {
            if (cp.TreeSize >= startSize)
            {
                evidence.Add(new CheckpointEvidence { Note = cp.Note });
            }
        }

        var holder = new FailureHolder();
        var options = new LedgerVerificationOptions
        {
            TrustedKeys = trustedKeys,
            ExpectedOrigin = origin,
            StartSize = startSize,
            StartFrontier = frontier,
        };
        // Two stages on two cores: reading SQLite and cross-checking the columns (PartitionScan) on one
        // thread, canonical validation, hashing and the tree in the verifier on this one, handed over
        // in batches of 4,096 rows (a hand-off per row cost more than the hashing).
        using var pipe = new System.Collections.Concurrent.BlockingCollection<ScanBatch>(16);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                holder.Failure = PartitionScan.Read(dataDirectory, startSize, 4_096, batch =>
                {
                    try
                    {
                        pipe.Add(batch, stop.Token);
                        return true;
                    }
                    catch (OperationCanceledException)
                    {
                        batch.Release();
                        return false;
                    }
                });
            }
            catch (OperationCanceledException)
            {
                // The verifier stopped early (a failure): nothing more to read.
            }
            finally
            {
                pipe.CompleteAdding();
            }
        });
        LedgerVerificationReport report;
        try
        {
            report = LedgerVerifier.Verify(Flatten(pipe), evidence, options);
        }
        finally
        {
            stop.Cancel();
            producer.Wait();
            while (pipe.TryTake(out var left))
            {
                left.Release();
            }
        }

        return holder.Failure is { } own && (report.Failure is null || report.Failure.Kind == LedgerFailureKind.Truncated || (report.Failure.Sequence ?? ulong.MaxValue) >= (own.Sequence ?? 0))
            ? report with { Failure = own }
            : report;
    }

    // The verifier keeps nothing of an entry once it has moved on (its look-ahead reads sequence numbers
    // only), so a batch goes back to the pool when the next one starts.
    private static IEnumerable<EncodedLedgerEntry> Flatten(System.Collections.Concurrent.BlockingCollection<ScanBatch> pipe)
    {
        foreach (var batch in pipe.GetConsumingEnumerable())
        {
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

    private sealed class FailureHolder
    {
        public LedgerFailure? Failure { get; set; }
    }
}
