using System.CommandLine;
using System.Globalization;
using EgressGuard.Configuration;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Commands;

/// <summary>
/// <c>egressguard assessments import|list</c> on the store the appliance reads (v0: the JSON file
/// named by <c>Assessments:File</c>, default <c>{DataDirectory}/assessments.json</c>). A running
/// appliance picks up an import within a second, without restart.
/// </summary>
public static class AssessmentsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var file = new Argument<string>("FILE") { Description = "JSON array of assessment records" };
        var import = new Command("import", "Validate FILE and merge its records into the store by Id (same Id replaces). Nothing is written if any record is invalid.")
        {
            file, config,
        };
        import.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(Import(parse.GetValue(config), parse.GetValue(file)!))));

        var listConfig = Cli.ConfigOption();
        var format = new Option<string>("--format") { Description = "table (default) or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var list = new Command("list", "List the records in the store, with their validity today (China time).")
        {
            listConfig, format,
        };
        list.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(List(parse.GetValue(listConfig), parse.GetValue(format)!))));
        return new Command("assessments", "Security assessment, standard contract, certification and exemption records.") { import, list };
    }

    private static int Import(string? configFile, string file)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        var incoming = AssessmentFileReader.ReadFile(Path.GetFullPath(file));
        if (!incoming.Succeeded)
        {
            return Cli.Fail(incoming.Errors);
        }

        var storePath = loaded.Settings!.AssessmentsFile;
        var existing = File.Exists(storePath) ? AssessmentFileReader.ReadFile(storePath) : AssessmentFileReader.Read("[]"u8);
        if (!existing.Succeeded)
        {
            return Cli.Fail([.. existing.Errors, $"the store '{storePath}' is invalid; fix or remove it before importing"]);
        }

        var merged = new List<AssessmentRecord>(existing.Records);
        int added = 0, replaced = 0;
        foreach (var record in incoming.Records)
        {
            var at = merged.FindIndex(r => r.Id == record.Id);
            if (at >= 0)
            {
                merged[at] = record;
                replaced++;
            }
            else
            {
                merged.Add(record);
                added++;
            }
        }

        // Write beside the store and rename over it: the appliance never reads a half-written file.
        Directory.CreateDirectory(Path.GetDirectoryName(storePath)!);
        var temp = storePath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllBytes(temp, AssessmentFileWriter.Write(merged));
        File.Move(temp, storePath, overwrite: true);
        Console.WriteLine($"imported {incoming.Records.Count} records into {storePath}: {added} added, {replaced} replaced, {merged.Count} in store");
        return 0;
    }

    private static int List(string? configFile, string format)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        var storePath = loaded.Settings!.AssessmentsFile;
        var store = File.Exists(storePath) ? AssessmentFileReader.ReadFile(storePath) : AssessmentFileReader.Read("[]"u8);
        if (!store.Succeeded)
        {
            return Cli.Fail(store.Errors);
        }

        if (format == "json")
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(AssessmentFileWriter.Write(store.Records));
            return 0;
        }

        var now = DateTimeOffset.UtcNow;
        Console.WriteLine("ID\tMECHANISM\tVALID FROM\tVALID TO\tSTATUS\tRECIPIENT\tDESTINATIONS\tCATEGORIES\tREFERENCE");
        foreach (var r in store.Records)
        {
            Console.WriteLine(string.Join('\t',
                r.Id, r.Mechanism, r.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.ValidityAt(now), r.Recipient, string.Join(',', r.Destinations), string.Join(',', r.Categories), r.Reference ?? "-"));
        }

        return 0;
    }
}
