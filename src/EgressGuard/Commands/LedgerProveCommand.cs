using System.CommandLine;
using System.Text.Json;
using EgressGuard.Ledger.Proofs;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Commands;

/// <summary>
/// <c>ledger prove</c>: an inclusion proof for one entry (<c>--seq N</c> or <c>--id UUID</c>) against a
/// signed checkpoint, or a consistency proof between two checkpoints (<c>--from-checkpoint A
/// [--to-checkpoint B]</c>); checked offline with <c>ledger verify --proof FILE --public-key PEM</c>.
/// </summary>
internal static class LedgerProveCommand
{
    /// <summary><c>ledger checkpoints [--from N] [--limit N] [--notes]</c>: the signed checkpoints, one JSON object per line.</summary>
    public static Command Checkpoints()
    {
        var config = Cli.ConfigOption();
        var from = new Option<long>("--from") { Description = "First checkpoint number (default 0)" };
        var limit = new Option<int>("--limit") { Description = "At most this many (default 1000)", DefaultValueFactory = _ => 1000 };
        var notes = new Option<bool>("--notes") { Description = "Include each signed note verbatim" };
        var command = new Command("checkpoints", "List signed checkpoints (number, tree size, time, root, clock state, signer), oldest first: the numbers `ledger prove` takes.")
        {
            config, from, limit, notes,
        };
        command.SetAction((parse, _) => Cli.Guard(() =>
        {
            if (parse.GetValue(limit) is < 1 or > 1_000_000 || parse.GetValue(from) < 0)
            {
                return Task.FromResult(Cli.Fail("--from must be ≥ 0 and --limit 1-1000000"));
            }

            var options = LedgerCommandContext.LoadExisting(parse.GetValue(config), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            var keys = LedgerStoreVerifier.LoadTrustedKeys(options.DataDirectory, options.Origin, out var keyError);
            if (keys.Count == 0)
            {
                Console.Error.WriteLine("warning: no signing key found, signatures cannot be checked: " + (keyError ?? "no key file"));
            }

            using var stdout = Console.OpenStandardOutput();
            using var json = new Utf8JsonWriter(stdout);
            foreach (var summary in CheckpointList.Read(options.DataDirectory, keys, parse.GetValue(from), parse.GetValue(limit)))
            {
                CheckpointList.WriteJson(json, summary, parse.GetValue(notes));
                json.Flush();
                stdout.Write("\n"u8);
                json.Reset();
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var seq = new Option<ulong?>("--seq") { Description = "Prove the entry with this sequence number" };
        var id = new Option<string?>("--id") { Description = "Prove the transfer with this reference id (the id on a block page / in ledger query)" };
        var checkpoint = new Option<long?>("--checkpoint") { Description = "Prove against this checkpoint number (default: the newest)" };
        var fromCheckpoint = new Option<long?>("--from-checkpoint") { Description = "Consistency proof: from this checkpoint number" };
        var toCheckpoint = new Option<long?>("--to-checkpoint") { Description = "Consistency proof: to this checkpoint number (default: the newest)" };
        var output = new Option<string?>("--out") { Description = "Write the proof to this file (default: standard output)" };
        var command = new Command("prove", "Write an inclusion proof for one entry, or a consistency proof between two checkpoints, for `ledger verify --proof`.")
        {
            config, seq, id, checkpoint, fromCheckpoint, toCheckpoint, output,
        };
        command.SetAction((parse, _) => Cli.Guard(() =>
        {
            var s = parse.GetValue(seq);
            var i = parse.GetValue(id);
            var from = parse.GetValue(fromCheckpoint);
            var to = parse.GetValue(toCheckpoint);
            var chosen = (s is null ? 0 : 1) + (i is null ? 0 : 1) + (from is null ? 0 : 1);
            if (chosen != 1)
            {
                return Task.FromResult(Cli.Fail("give exactly one of --seq, --id (inclusion proof) or --from-checkpoint (consistency proof)"));
            }

            if (from is null && to is not null)
            {
                return Task.FromResult(Cli.Fail("--to-checkpoint goes with --from-checkpoint"));
            }

            if (from is not null && parse.GetValue(checkpoint) is not null)
            {
                return Task.FromResult(Cli.Fail("--checkpoint goes with --seq or --id; a consistency proof takes --from-checkpoint and --to-checkpoint"));
            }

            Guid guid = default;
            if (i is not null && !Guid.TryParse(i, out guid))
            {
                return Task.FromResult(Cli.Fail($"--id: '{i}' is not a UUID"));
            }

            var options = LedgerCommandContext.LoadExisting(parse.GetValue(config), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            var keys = LedgerStoreVerifier.LoadTrustedKeys(options.DataDirectory, options.Origin, out var keyError);
            if (keys.Count == 0)
            {
                return Task.FromResult(Cli.Fail(keyError ?? "no signing key found: has the appliance run with this DataDirectory?"));
            }

            string summary;
            Action<Utf8JsonWriter> write;
            if (from is { } f)
            {
                var result = LedgerProver.ProveConsistency(options.DataDirectory, options.Origin, keys, f, to);
                if (result.Proof is not { } proof)
                {
                    return Task.FromResult(Cli.Fail($"{result.Error}: {result.Message}"));
                }

                summary = $"consistency proof from checkpoint {proof.From.Number} (size {proof.From.TreeSize}) to checkpoint {proof.To.Number} (size {proof.To.TreeSize}), {proof.Path.Count} hash(es)";
                write = w => ProofJson.Write(w, proof);
            }
            else
            {
                ulong sequence;
                if (s is { } given)
                {
                    sequence = given;
                }
                else if (LedgerProver.FindTransfer(options.DataDirectory, guid) is { } found)
                {
                    sequence = found;
                }
                else
                {
                    return Task.FromResult(Cli.Fail($"NotFound: no transfer with id {guid} is stored (ids from `ledger query`; purged records have no proof)"));
                }

                var result = LedgerProver.ProveInclusion(options.DataDirectory, options.Origin, keys, sequence, parse.GetValue(checkpoint));
                if (result.Proof is not { } proof)
                {
                    return Task.FromResult(Cli.Fail($"{result.Error}: {result.Message}"));
                }

                summary = $"inclusion proof for entry {proof.Sequence} in checkpoint {proof.Checkpoint.Number} (size {proof.Checkpoint.TreeSize}), {proof.Path.Count} hash(es)";
                write = w => ProofJson.Write(w, proof);
            }

            var file = parse.GetValue(output);
            using (var stream = file is null ? Console.OpenStandardOutput() : new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                write(json);
                json.Flush();
                stream.Write("\n"u8);
            }

            Console.Error.WriteLine(file is null ? "wrote " + summary : $"wrote {summary} to {Path.GetFullPath(file)}");
            return Task.FromResult(0);
        }));
        return command;
    }
}
