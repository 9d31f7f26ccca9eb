using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EgressGuard.Configuration;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Commands;

/// <summary><c>egressguard ledger query</c>: read transfer records (safe while the appliance runs).</summary>
public static class LedgerCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var from = new Option<string?>("--from") { Description = "Records at or after this time (ISO 8601; a date alone is 00:00 UTC)" };
        var to = new Option<string?>("--to") { Description = "Records before this time (ISO 8601)" };
        var decision = new Option<string?>("--decision") { Description = "Allow, Block, Report or Failed" };
        var reason = new Option<string?>("--reason") { Description = "A reason code, e.g. NoAssessment" };
        var country = new Option<string?>("--country") { Description = "Destination country (ISO alpha-2)" };
        var client = new Option<string?>("--client") { Description = "Client IP address" };
        var host = new Option<string?>("--host") { Description = "Requested host" };
        var pi = new Option<string?>("--pi-type") { Description = "Only records with a finding of this personal-information type" };
        var assessment = new Option<string?>("--assessment") { Description = "Only records covered by this assessment id" };
        var after = new Option<ulong?>("--after") { Description = "Paging cursor: only records after this sequence number (printed on stderr as 'next: N' when more remain)" };
        var limit = new Option<int>("--limit") { Description = "At most this many records (default 10000)", DefaultValueFactory = _ => 10_000 };
        var offset = new Option<long>("--offset") { Description = "Skip this many matching records first (paging)" };
        var format = new Option<string>("--format") { Description = "jsonl (default) or csv", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var query = new Command("query", "Print transfer records, oldest first, one per line.")
        {
            config, from, to, decision, reason, country, client, host, pi, assessment, after, limit, offset, format,
        };
        query.SetAction((parse, _) => Cli.Guard(() =>
        {
            var errors = new List<string>();
            var q = new TransferQuery
            {
                From = ParseTime(parse.GetValue(from), "--from", errors),
                To = ParseTime(parse.GetValue(to), "--to", errors),
                Decision = ParseEnum<TransferVerdict>(parse.GetValue(decision), "--decision", errors),
                Reason = ParseEnum<ReasonCode>(parse.GetValue(reason), "--reason", errors),
                Country = parse.GetValue(country),
                Client = parse.GetValue(client),
                Host = parse.GetValue(host),
                PiType = parse.GetValue(pi),
                AssessmentId = parse.GetValue(assessment),
                AfterSequence = parse.GetValue(after),
                Limit = parse.GetValue(limit),
                Offset = parse.GetValue(offset),
            };
            if (q.Limit is < 1 or > 1_000_000)
            {
                errors.Add("--limit must be 1-1000000");
            }

            return Task.FromResult(errors.Count > 0 ? Cli.Fail(errors) : Query(parse.GetValue(config), q, parse.GetValue(format)!));
        }));
        return new Command("ledger", "Transfer log tools.")
        {
            query, LedgerKeyCommands.PublicKey(), LedgerKeyCommands.RotateKey(), LedgerHoldCommand.Create(), LedgerExportCommand.Create(), LedgerVerifyCommand.Create(), LedgerProveCommand.Create(), LedgerProveCommand.Checkpoints(),
        };
    }

    private static int Query(string? configFile, TransferQuery query, string format)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        var dataDirectory = loaded.Settings!.DataDirectory;
        if (!LedgerReader.Exists(dataDirectory))
        {
            return Cli.Fail($"ledger '{LedgerFiles.Directory(dataDirectory)}': not found (has the appliance run with this DataDirectory?)");
        }

        TransferPage page;
        try
        {
            page = LedgerReader.Query(dataDirectory, query);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return Cli.Fail($"ledger '{LedgerFiles.Directory(dataDirectory)}': {e.Message}");
        }

        if (page.NextCursor is { } next)
        {
            Console.Error.WriteLine($"next: {next} (more records: pass --after {next})");
        }

        var records = new List<TransferRecord>(page.Records.Count);
        foreach (var r in page.Records)
        {
            records.Add(r.Record);
        }

        using var stdout = Console.OpenStandardOutput();
        if (format == "csv")
        {
            var text = new StringBuilder().Append(TransferRecordFormat.CsvHeader).Append("\r\n");
            foreach (var record in records)
            {
                text.Append(TransferRecordFormat.ToCsv(record)).Append("\r\n");
            }

            stdout.Write(Encoding.UTF8.GetBytes(text.ToString()));
            return 0;
        }

        using var json = new Utf8JsonWriter(stdout);
        foreach (var record in records)
        {
            TransferRecordFormat.WriteJson(json, record);
            json.Flush();
            stdout.Write("\n"u8);
            json.Reset();
        }

        return 0;
    }

    internal static DateTimeOffset? ParseTime(string? text, string name, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        errors.Add($"{name}: '{text}' is not an ISO 8601 time");
        return null;
    }

    private static T? ParseEnum<T>(string? text, string name, List<string> errors)
        where T : struct, Enum
    {
        if (text is null)
        {
            return null;
        }

        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text[0]))
        {
            return value;
        }

        errors.Add($"{name}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}");
        return null;
    }
}
