using System.Globalization;
using EgressGuard.Ledger.Canonical;
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
        // Two stages on two cores: reading SQLite and cross-checking the columns (decode) on one
        // thread, hashing and the tree in the verifier on this one, through a bounded hand-off.
        using var pipe = new System.Collections.Concurrent.BlockingCollection<EncodedLedgerEntry>(8_192);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var entry in CheckColumns(LedgerReader.ReadEntries(dataDirectory, startSize), holder))
                {
                    pipe.Add(entry, stop.Token);
                }
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
            report = LedgerVerifier.Verify(pipe.GetConsumingEnumerable(), evidence, options);
        }
        finally
        {
            stop.Cancel();
            producer.Wait();
        }

        return holder.Failure is { } own && (report.Failure is null || report.Failure.Kind == LedgerFailureKind.Truncated || (report.Failure.Sequence ?? ulong.MaxValue) >= (own.Sequence ?? 0))
            ? report with { Failure = own }
            : report;
    }

    private static IEnumerable<EncodedLedgerEntry> CheckColumns(IEnumerable<StoredEntry> entries, FailureHolder holder)
    {
        foreach (var stored in entries)
        {
            if (stored.Error is not null)
            {
                holder.Failure = new LedgerFailure
                {
                    Kind = LedgerFailureKind.MalformedRecord,
                    Message = $"partition {Day(stored.Partition)} cannot be read (truncated or corrupt file): {stored.Error}",
                };
                yield break;
            }

            if (CanonicalDecoder.TryDecode(stored.Canonical, out var entry) == CanonicalDecodeError.None)
            {
                var expected = LedgerSchema.Columns(entry!.Transfer);
                var column = expected.Client != stored.Columns.Client ? "client"
                    : expected.Host != stored.Columns.Host ? "host"
                    : expected.Country != stored.Columns.Country ? "country"
                    : expected.Decision != stored.Columns.Decision ? "decision"
                    : expected.Reason != stored.Columns.Reason ? "reason"
                    : expected.AssessmentId != stored.Columns.AssessmentId ? "assessment_id"
                    : expected.Pi != stored.Columns.Pi ? "pi"
                    : (int)entry.Kind != stored.Kind ? "kind"
                    : TimeOf(entry) != stored.TimeMicros ? "time_us"
                    : null;
                if (column is not null)
                {
                    holder.Failure = new LedgerFailure
                    {
                        Kind = LedgerFailureKind.Modified,
                        Sequence = stored.Sequence,
                        Message = $"record {stored.Sequence} (partition {Day(stored.Partition)}): column '{column}' was changed; it no longer matches the record's hashed bytes",
                    };
                    yield break;
                }
            }

            yield return new EncodedLedgerEntry(stored.Sequence, stored.Canonical, stored.Leaf);
        }
    }

    private static long TimeOf(LedgerEntry entry) =>
        LedgerFiles.ToMicros(entry.Transfer?.Time ?? entry.Event!.Time);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class FailureHolder
    {
        public LedgerFailure? Failure { get; set; }
    }
}
