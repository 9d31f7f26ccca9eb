using System.CommandLine;
using System.Globalization;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Export;
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
        var publicKey = new Option<string?>("--public-key") { Description = "PEM public key to trust (default: the store's keys, or the manifest's for an export)" };
        var command = new Command("verify", "Check signatures, roots, append-only consistency and contiguous sequence numbers; exit 1 naming the first bad record or checkpoint.") { config, export, publicKey };
        command.SetAction((parse, _) => Cli.Guard(() =>
        {
            CheckpointPublicKey? pinned = null;
            string? origin = null;
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
