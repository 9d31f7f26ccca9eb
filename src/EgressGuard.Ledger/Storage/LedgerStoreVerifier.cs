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
    public static LedgerVerificationReport Verify(string dataDirectory, IReadOnlyList<CheckpointPublicKey> trustedKeys, string? origin) =>
        Verify(dataDirectory, trustedKeys, origin, ReaderThreads, ParallelPartitionScan.ChunkRows);

    /// <summary>As <see cref="Verify(string, IReadOnlyList{CheckpointPublicKey}, string?)"/>, with the reader threads and chunk size given (tests vary them).</summary>
    internal static LedgerVerificationReport Verify(string dataDirectory, IReadOnlyList<CheckpointPublicKey> trustedKeys, string? origin, int readers, long chunkRows)
    {
        var (startSize, frontier) = LedgerReader.ReadLogStart(dataDirectory);
        var checkpoints = LedgerReader.ReadCheckpoints(dataDirectory);
        var report = VerifyFrom(dataDirectory, startSize, frontier, checkpoints, trustedKeys, origin, readers, chunkRows);
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
        IReadOnlyList<CheckpointPublicKey> trustedKeys, string? origin, int readers = 0, long chunkRows = ParallelPartitionScan.ChunkRows)
    {
        var evidence = new List<CheckpointEvidence>();
        foreach (var cp in checkpoints)
        {
            if (cp.TreeSize >= startSize)
            {
                evidence.Add(new CheckpointEvidence { Note = cp.Note });
            }
        }

        var options = new LedgerVerificationOptions
        {
            TrustedKeys = trustedKeys,
            ExpectedOrigin = origin,
            StartSize = startSize,
            StartFrontier = frontier,
        };

        // Reading SQLite and cross-checking the columns (PartitionScan) costs about twice the verifier's
        // validation, hashing and tree on this thread, so the rows are read by one thread per core,
        // chunk by chunk, and handed over in order in batches of 4,096 (ParallelPartitionScan).
        LedgerVerificationReport report;
        LedgerFailure? own;
        using (var scan = new ParallelPartitionScan(dataDirectory, startSize, readers > 0 ? readers : ReaderThreads, chunkRows))
        {
            report = LedgerVerifier.Verify(scan.Rows(), evidence, options);
            own = scan.Failure;
        }

        return own is not null && (report.Failure is null || report.Failure.Kind == LedgerFailureKind.Truncated || (report.Failure.Sequence ?? ulong.MaxValue) >= (own.Sequence ?? 0))
            ? report with { Failure = own }
            : report;
    }

    // One reader per core (the verifier thread shares them): measured in ledger-probe, 2 readers on 2 cores.
    private static int ReaderThreads => Math.Clamp(Environment.ProcessorCount, 1, 4);
}
