using System.CommandLine;
using EgressGuard.Ledger.Export;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Commands;

/// <summary><c>ledger export</c>: data files plus manifest.json for offline verification.</summary>
internal static class LedgerExportCommand
{
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var from = new Option<string>("--from") { Description = "Entries at or after this time (ISO 8601; a date alone is 00:00 UTC)", Required = true };
        var to = new Option<string>("--to") { Description = "Entries before this time", Required = true };
        var format = new Option<string>("--format") { Description = "csv, jsonl or parquet (default jsonl)", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("csv", "jsonl", "parquet");
        var output = new Option<string>("--out") { Description = "Output directory (created)", Required = true };
        var command = new Command("export", "Export entries with manifest.json (file hashes, checkpoints, start frontier, public keys) for `ledger verify --export`.") { config, from, to, format, output };
        command.SetAction((parse, _) => Cli.Guard(() =>
        {
            var options = LedgerCommandContext.Load(parse.GetValue(config), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            var errors = new List<string>();
            var f = LedgerCommand.ParseTime(parse.GetValue(from), "--from", errors);
            var t = LedgerCommand.ParseTime(parse.GetValue(to), "--to", errors);
            if (errors.Count > 0)
            {
                return Task.FromResult(Cli.Fail(errors));
            }

            var keys = LedgerStoreVerifier.LoadTrustedKeys(options.DataDirectory, options.Origin, out var keyError);
            if (keys.Count == 0)
            {
                return Task.FromResult(Cli.Fail(keyError ?? "no signing key found: has the appliance run with this DataDirectory?"));
            }

            Action<ulong, ulong>? progress = Console.IsErrorRedirected
                ? null
                : (done, total) => Console.Error.Write($"\rexported {done:N0} / {total:N0} entries ({(total == 0 ? 100 : done * 100 / total)}%)   ");
            var result = LedgerExporter.Export(options.DataDirectory, f!.Value, t!.Value, parse.GetValue(format) switch { "csv" => ExportFormat.Csv, "parquet" => ExportFormat.Parquet, _ => ExportFormat.Jsonl },
                parse.GetValue(output)!, keys, options.Origin, progress);
            if (progress is not null)
            {
                Console.Error.WriteLine();
            }

            if (result.Error is { } error)
            {
                return Task.FromResult(Cli.Fail(error));
            }

            Console.Out.WriteLine($"exported {result.Records} entries (sequence {result.FirstSequence}-{result.EndSequence - 1}), {result.Checkpoints} checkpoint(s), to {Path.GetFullPath(parse.GetValue(output)!)}");
            return Task.FromResult(0);
        }));
        return command;
    }
}
