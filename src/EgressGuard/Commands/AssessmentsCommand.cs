using System.CommandLine;
using System.Globalization;
using System.Text;
using EgressGuard.Configuration;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Registry;
using EgressGuard.Policy.Volume;

namespace EgressGuard.Commands;

/// <summary>
/// <c>egressguard assessments list|show|add|import|export|revoke|due|status</c> on the assessment
/// registry (<c>{DataDirectory}/registry/registry.db</c>). Changes are new versions with who/when/what;
/// a running appliance picks them up within a second (it polls the database's data_version).
/// </summary>
public static class AssessmentsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create() => new("assessments", "Security assessment, standard contract, certification and exemption records (the registry).")
    {
        ListCommand(), ShowCommand(), AddCommand(), ImportCommand(), ExportCommand(), RevokeCommand(), DueCommand(), StatusCommand(),
    };

    private static Option<string> ActorOption() => new("--actor")
    {
        Description = "Who makes the change (recorded in the version history and the ledger). Default cli:$USER.",
        DefaultValueFactory = _ => "cli:" + Environment.UserName,
    };

    private static Option<string> FormatOption(string description, params string[] values)
    {
        var option = new Option<string>("--format") { Description = description, DefaultValueFactory = _ => values[0] };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static Command ListCommand()
    {
        var config = Cli.ConfigOption();
        var format = FormatOption("table (default), json or csv", "table", "json", "csv");
        var command = new Command("list", "List the latest version of every record, with its status today (China time).") { config, format };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var records = registry.Current();
            var formatValue = parse.GetValue(format)!;
            if (formatValue != "table")
            {
                WriteStdout(formatValue == "csv" ? AssessmentCsv.Write(records) : AssessmentFileWriter.Write(records));
                return 0;
            }

            var now = DateTimeOffset.UtcNow;
            Console.WriteLine("ID\tMECHANISM\tVALID FROM\tVALID TO\tSTATUS\tRECIPIENT\tDESTINATIONS\tCATEGORIES\tREFERENCE\tVERSION\tSOURCE GROUPS");
            foreach (var r in records)
            {
                Console.WriteLine(string.Join('\t',
                    r.Id, r.Mechanism, Day(r.ValidFrom), Day(r.ValidTo), r.StatusAt(now), r.Recipient, string.Join(',', r.Destinations),
                    string.Join(',', r.Categories) + (r.SensitiveIncluded ? "+sensitive" : string.Empty), r.Reference ?? "-",
                    r.Version.ToString(CultureInfo.InvariantCulture), string.Join(',', r.SourceGroups)));
            }

            return 0;
        }))));
        return command;
    }

    private static Command ShowCommand()
    {
        var config = Cli.ConfigOption();
        var id = new Argument<string>("ID") { Description = "Record id" };
        var command = new Command("show", "Show one record (latest version as JSON) and its version history: who, when, what changed.") { id, config };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var changes = registry.Changes(parse.GetValue(id)!);
            if (changes.Count == 0)
            {
                return Cli.Fail($"no record with id '{parse.GetValue(id)}'");
            }

            var latest = changes[^1].Record;
            WriteStdout(AssessmentFileWriter.Write([latest]));
            Console.WriteLine($"status now: {latest.StatusAt(DateTimeOffset.UtcNow)}");
            Console.WriteLine("VERSION\tTIME (UTC)\tACTOR\tCHANGE");
            foreach (var change in changes)
            {
                Console.WriteLine(string.Join('\t', change.Version.ToString(CultureInfo.InvariantCulture),
                    change.Time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), change.Actor, change.Change));
            }

            return 0;
        }))));
        return command;
    }

    private static Command AddCommand()
    {
        var config = Cli.ConfigOption();
        var actor = ActorOption();
        var file = new Argument<string>("FILE") { Description = "One record as a JSON object (- for stdin)" };
        var command = new Command("add", "Validate and store a new record (version 1). Every error is listed; nothing is stored on error.") { file, config, actor };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var path = parse.GetValue(file)!;
            var bytes = path == "-" ? ReadStdin() : File.ReadAllBytes(Path.GetFullPath(path));
            var read = AssessmentFileReader.ReadRecord(bytes);
            if (!read.Succeeded)
            {
                return Cli.Fail(read.Errors);
            }

            var result = registry.Create(read.Record!, parse.GetValue(actor)!);
            if (result.Outcome != RegistryOutcome.Stored)
            {
                return Cli.Fail(result.Errors);
            }

            Console.WriteLine($"stored {result.Record!.Id} version {result.Record.Version}");
            return 0;
        }))));
        return command;
    }

    private static Command ImportCommand()
    {
        var config = Cli.ConfigOption();
        var actor = ActorOption();
        var file = new Argument<string>("FILE") { Description = "JSON array of records, or CSV with a header row (by extension .csv or --format csv)" };
        var format = FormatOption("auto (default: by extension), json or csv", "auto", "json", "csv");
        var command = new Command("import", "Validate FILE and merge its records into the registry by Id (new ids added, changed records get a new version). Nothing is stored if any record is invalid.")
        {
            file, config, format, actor,
        };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            var formatValue = parse.GetValue(format)!;
            var csv = formatValue == "csv" || (formatValue == "auto" && path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase));
            AssessmentLoadResult incoming;
            if (csv)
            {
                var info = new FileInfo(path);
                incoming = !info.Exists ? AssessmentFileReader.ReadFile(path)
                    : info.Length > AssessmentFileReader.MaxFileBytes ? AssessmentFileReader.ReadFile(path)
                    : AssessmentCsv.Read(File.ReadAllText(path, Encoding.UTF8));
            }
            else
            {
                incoming = AssessmentFileReader.ReadFile(path);
            }

            if (!incoming.Succeeded)
            {
                return Cli.Fail(incoming.Errors.Select(e => $"'{path}': {e}"));
            }

            var result = registry.Import(incoming.Records, parse.GetValue(actor)!);
            if (!result.Succeeded)
            {
                return Cli.Fail(result.Errors);
            }

            Console.WriteLine($"imported {incoming.Records.Count} records into {registry.Path}: {result.Added} added, {result.Changed} changed, {result.Unchanged} unchanged, {registry.Current().Count} in store");
            return 0;
        }))));
        return command;
    }

    private static Command ExportCommand()
    {
        var config = Cli.ConfigOption();
        var format = FormatOption("json (default) or csv", "json", "csv");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout" };
        var command = new Command("export", "Export the latest version of every record as JSON or CSV (the import formats).") { config, format, output };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var records = registry.Current();
            var bytes = parse.GetValue(format) == "csv" ? AssessmentCsv.Write(records) : AssessmentFileWriter.Write(records);
            if (parse.GetValue(output) is { } target)
            {
                File.WriteAllBytes(Path.GetFullPath(target), bytes);
            }
            else
            {
                WriteStdout(bytes);
            }

            return 0;
        }))));
        return command;
    }

    private static Command RevokeCommand()
    {
        var config = Cli.ConfigOption();
        var actor = ActorOption();
        var id = new Argument<string>("ID") { Description = "Record id" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the history and the ledger)", Required = true };
        var command = new Command("revoke", "Revoke a record (a new version); a running appliance stops relying on it within a second.") { id, config, reason, actor };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var result = registry.Revoke(parse.GetValue(id)!, parse.GetValue(actor)!, parse.GetValue(reason)!);
            if (result.Outcome != RegistryOutcome.Stored)
            {
                return Cli.Fail(result.Errors);
            }

            Console.WriteLine($"revoked {result.Record!.Id} (version {result.Record.Version})");
            return 0;
        }))));
        return command;
    }

    private static Command DueCommand()
    {
        var config = Cli.ConfigOption();
        var days = new Option<int?>("--days") { Description = "Horizon in calendar days for every record. Default: 60 working days (Mon-Fri) for security assessments, 30 days for others." };
        var command = new Command("due", "List active records whose validity ends within the horizon (security assessments must apply for extension 60 working days before expiry).") { config, days };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (_, registry) =>
        {
            var horizon = parse.GetValue(days);
            if (horizon is < 0 or > 36500)
            {
                return Cli.Fail("--days must be from 0 to 36500");
            }

            var today = ChinaTime.DateOf(DateTimeOffset.UtcNow);
            Console.WriteLine("ID\tMECHANISM\tVALID TO\tDAYS LEFT\tACT BY\tSTATUS");
            foreach (var (record, actBy) in Due(registry.Current(), today, horizon))
            {
                Console.WriteLine(string.Join('\t', record.Id, record.Mechanism, Day(record.ValidTo),
                    (record.ValidTo.DayNumber - today.DayNumber).ToString(CultureInfo.InvariantCulture), Day(actBy), record.StatusAt(DateTimeOffset.UtcNow)));
            }

            return 0;
        }))));
        return command;
    }

    private static Command StatusCommand()
    {
        var config = Cli.ConfigOption();
        var command = new Command("status", "Per record: distinct individuals this year (China time), non-sensitive/sensitive, the mechanism the volume requires, and whether the record's mechanism suffices.") { config };
        command.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(WithRegistry(parse.GetValue(config), (settings, registry) =>
        {
            using var volume = VolumeCounter.Open(settings.DataDirectory, out var error);
            if (volume is null)
            {
                return Cli.Fail(error!);
            }

            var now = DateTimeOffset.UtcNow;
            var thresholds = settings.Thresholds;
            var processor = volume.Totals(null, now);
            var required = thresholds.RequiredMechanism(processor.NonSensitive, processor.Sensitive);
            Console.WriteLine($"processor {processor.Year} (since 1 January, China time): {processor.NonSensitive} non-sensitive, {processor.Sensitive} sensitive individuals; requires {required}");
            Console.WriteLine("ID\tMECHANISM\tSTATUS\tNON-SENSITIVE\tSENSITIVE\tREQUIRED\tSUFFICES");
            foreach (var record in registry.Current())
            {
                var totals = volume.Totals(record.Id, now);
                var mechanism = record.Mechanism + (record.ExemptBasis is { } basis ? "/" + basis : string.Empty);
                Console.WriteLine(string.Join('\t', record.Id, mechanism, record.StatusAt(now),
                    totals.NonSensitive.ToString(CultureInfo.InvariantCulture), totals.Sensitive.ToString(CultureInfo.InvariantCulture),
                    required, thresholds.Suffices(record, processor.NonSensitive, processor.Sensitive) ? "yes" : "no"));
            }

            return 0;
        }))));
        return command;
    }

    /// <summary>Active records ending within the horizon, with the date to act by.</summary>
    internal static List<(AssessmentRecord Record, DateOnly ActBy)> Due(IReadOnlyList<AssessmentRecord> records, DateOnly today, int? days)
    {
        var due = new List<(AssessmentRecord, DateOnly)>();
        foreach (var record in records)
        {
            if (record.Status != AssessmentStatus.Active || record.ValidTo < today)
            {
                continue;
            }

            var actBy = days is { } n ? record.ValidTo.AddDays(-n)
                : record.Mechanism == TransferMechanism.SecurityAssessment ? SubtractWorkingDays(record.ValidTo, 60)
                : record.ValidTo.AddDays(-30);
            if (actBy <= today)
            {
                due.Add((record, actBy));
            }
        }

        due.Sort((a, b) => a.Item1.ValidTo.CompareTo(b.Item1.ValidTo));
        return due;
    }

    /// <summary>Working days are Monday to Friday (no public-holiday calendar: the horizon errs early only by holidays).</summary>
    internal static DateOnly SubtractWorkingDays(DateOnly date, int workingDays)
    {
        while (workingDays > 0)
        {
            date = date.AddDays(-1);
            if (date.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday)
            {
                workingDays--;
            }
        }

        return date;
    }

    private static int WithRegistry(string? configFile, Func<ApplianceSettings, SqliteAssessmentRegistry, int> body)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        using var registry = SqliteAssessmentRegistry.Open(loaded.Settings!.DataDirectory, TimeProvider.System, out var error);
        return registry is null ? Cli.Fail(error!) : body(loaded.Settings, registry);
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void WriteStdout(byte[] bytes)
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(bytes);
    }

    private static byte[] ReadStdin()
    {
        using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }
}
