using System.CommandLine;
using System.Globalization;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Export;
using EgressGuard.Ledger.Proofs;
using EgressGuard.Ledger.Storage;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Commands;

/// <summary><c>ledger verify</c> (live store) and <c>ledger verify --export DIR [--public-key FILE]</c> (offline).</summary>
internal static class LedgerVerifyCommand
{
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var export = new Option<string?>("--export") { Description = "Verify an export directory instead of the live store" };
        var proof = new Option<string?>("--proof") { Description = "Check a proof file from `ledger prove` (or the API) instead: offline, with --public-key" };
        var publicKey = new Option<string?>("--public-key") { Description = "PEM public key to trust (default: the store's keys, or the manifest's / proof file's)" };
        var command = new Command("verify", "Check signatures, roots, append-only consistency and contiguous sequence numbers; exit 1 naming the first bad record or checkpoint.") { config, export, proof, publicKey };
        command.SetAction((parse, _) => Cli.Guard(() =>
        {
            CheckpointPublicKey? pinned = null;
            string? origin = null;
            if (parse.GetValue(proof) is { } proofFile)
            {
                return Task.FromResult(parse.GetValue(export) is not null
                    ? Cli.Fail("--proof and --export are separate checks: give one")
                    : VerifyProof(proofFile, parse.GetValue(publicKey)));
            }

            if (parse.GetValue(export) is not { } directory)
            {
                var options = LedgerCommandContext.Load(parse.GetValue(config), out var exit);
                if (options is null)
                {
                    return Task.FromResult(exit);
                }

                origin = options.Origin;
                if (!LedgerReader.Exists(options.DataDirectory))
                {
                    return Task.FromResult(Cli.Fail($"ledger '{LedgerFiles.Directory(options.DataDirectory)}': not found"));
                }

                List<CheckpointPublicKey> keys;
                if (parse.GetValue(publicKey) is { } pemFile)
                {
                    if (!TryLoadKey(pemFile, origin, out pinned, out var keyError))
                    {
                        return Task.FromResult(Cli.Fail(keyError));
                    }

                    keys = [pinned!];
                }
                else
                {
                    keys = LedgerStoreVerifier.LoadTrustedKeys(options.DataDirectory, origin, out var keyError);
                    if (keys.Count == 0)
                    {
                        return Task.FromResult(Cli.Fail(keyError ?? "no signing key found"));
                    }
                }

                var report = LedgerStoreVerifier.Verify(options.DataDirectory, keys, origin);
                return Task.FromResult(Print(report, null, "live store " + LedgerFiles.Directory(options.DataDirectory)));
            }

            if (parse.GetValue(publicKey) is { } file)
            {
                var origins = ReadOrigin(directory);
                if (!TryLoadKey(file, origins, out pinned, out var keyError))
                {
                    return Task.FromResult(Cli.Fail(keyError));
                }
            }

            var result = ExportVerifier.Verify(directory, pinned);
            Console.Out.WriteLine("trusting " + result.TrustedKeySource);
            return Task.FromResult(Print(result.Report, result.Error, "export " + Path.GetFullPath(directory)));
        }));
        return command;
    }

    private static int VerifyProof(string file, string? keyFile)
    {
        byte[] bytes;
        try
        {
            if (new FileInfo(file).Length > ProofJson.MaxBytes)
            {
                return Cli.Fail($"--proof '{file}': over {ProofJson.MaxBytes} bytes, not a proof file");
            }

            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Cli.Fail($"--proof '{file}': {e.Message}");
        }

        if (!ProofJson.TryRead(bytes, out var inclusion, out var consistency, out var error))
        {
            Console.Error.WriteLine($"FAILED: {ProofCheckFailure.Malformed}: {file}: {error}");
            return 1;
        }

        CheckpointPublicKey? pinned = null;
        if (keyFile is not null && !TryLoadKey(keyFile, inclusion?.Origin ?? consistency!.Origin, out pinned, out var keyError))
        {
            return Cli.Fail(keyError);
        }

        var check = inclusion is not null ? ProofChecker.Check(inclusion, pinned) : ProofChecker.Check(consistency!, pinned);
        Console.Out.WriteLine("trusting " + check.TrustedKeySource);
        if (!check.IsValid)
        {
            Console.Error.WriteLine($"FAILED: {check.Failure}: {check.Message}");
            return 1;
        }

        var to = check.To!;
        if (check.Entry is { } entry)
        {
            var what = entry.Transfer is { } t
                ? $"transfer {t.Id:D} at {Time(t.Time)}: {t.Client} -> {t.Host}:{t.Port} ({t.Country ?? "-"}), {t.Decision}/{t.Reason}"
                : $"{entry.Event!.Kind} at {Time(entry.Event.Time)}: {entry.Event.Subject}";
            Console.Out.WriteLine($"verified inclusion proof: entry {entry.Sequence} ({what})");
            Console.Out.WriteLine($"is in the log '{to.Origin}' of {to.TreeSize} entries signed in checkpoint {to.Number} at {Time(to.Time)} (clock {to.ClockSync})");
        }
        else
        {
            var from = check.From!;
            Console.Out.WriteLine($"verified consistency proof: the log '{to.Origin}' signed in checkpoint {from.Number} ({from.TreeSize} entries, {Time(from.Time)})");
            Console.Out.WriteLine($"is a prefix of the log signed in checkpoint {to.Number} ({to.TreeSize} entries, {Time(to.Time)}): nothing before entry {from.TreeSize} was changed, removed or reordered");
        }

        Console.Out.WriteLine("OK");
        return 0;
    }

    private static string ReadOrigin(string directory)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, LedgerExporter.ManifestFileName)));
            return doc.RootElement.GetProperty("origin").GetString() ?? "unknown";
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static bool TryLoadKey(string file, string origin, out CheckpointPublicKey? key, out string error)
    {
        key = null;
        try
        {
            if (CheckpointPublicKey.TryFromPem(origin, File.ReadAllText(file), out var k, out error))
            {
                key = k;
                return true;
            }

            error = $"--public-key '{file}': {error}";
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"--public-key '{file}': {e.Message}";
            return false;
        }
    }

    private static int Print(LedgerVerificationReport? report, string? error, string what)
    {
        if (report is not null)
        {
            Console.Out.WriteLine($"verified {what}");
            Console.Out.WriteLine($"records checked: {report.RecordsChecked} (sequence {report.FirstSequence}-{(report.TreeSize == 0 ? 0 : report.TreeSize - 1)})");
            Console.Out.WriteLine($"checkpoints checked: {report.CheckpointsChecked}");
            Console.Out.WriteLine($"first time: {Time(report.FirstTime)}");
            Console.Out.WriteLine($"last time: {Time(report.LastTime)}");
            Console.Out.WriteLine($"tree size: {report.TreeSize}, root {report.RootHash.ToBase64()}");
            if (report.UncoveredRecords > 0)
            {
                Console.Out.WriteLine($"not yet covered by a checkpoint: {report.UncoveredRecords} record(s) at the end");
            }
        }

        if (report?.Failure is { } failure)
        {
            var at = failure.Sequence is { } s ? $" at record {s}" + (failure.LastSequence is { } l && l != s ? $"-{l}" : string.Empty) : string.Empty;
            var cp = failure.CheckpointNumber is { } n ? $" (checkpoint {n})" : string.Empty;
            Console.Error.WriteLine($"FAILED: {failure.Kind}{at}{cp}: {failure.Message}");
            return 1;
        }

        if (error is not null)
        {
            Console.Error.WriteLine("FAILED: " + error);
            return 1;
        }

        Console.Out.WriteLine("OK");
        return 0;
    }

    private static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) : "-";
}
