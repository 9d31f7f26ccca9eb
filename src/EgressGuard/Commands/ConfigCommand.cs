using System.CommandLine;
using EgressGuard.Configuration;
using EgressGuard.Geo;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Commands;

/// <summary><c>egressguard config check FILE</c>: validate a configuration without starting anything.</summary>
public static class ConfigCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Configuration file to check" };
        var check = new Command("check", "Validate a configuration file (and the country database and assessment file it names); list every error.")
        {
            file,
        };
        check.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(Check(parse.GetValue(file)!))));
        return new Command("config", "Configuration tools.") { check };
    }

    private static int Check(string file)
    {
        var loaded = ConfigLoader.Load(file);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        var settings = loaded.Settings!;
        var errors = new List<string>();
        var opened = CountryDatabase.Open(settings.GeoDatabase);
        if (!opened.Succeeded)
        {
            errors.Add(opened.Error!);
        }

        opened.Database?.Dispose();
        var records = File.Exists(settings.AssessmentsFile) ? AssessmentFileReader.ReadFile(settings.AssessmentsFile) : AssessmentFileReader.Read("[]"u8);
        errors.AddRange(records.Errors);
        if (errors.Count > 0)
        {
            return Cli.Fail(errors);
        }

        Console.WriteLine($"{Path.GetFullPath(file)}: OK (mode {settings.Mode}, proxy on {string.Join(", ", settings.Proxy.Listen)}, {records.Records.Count} assessment records in the import file, {settings.SourceGroups.Count} source groups)");
        return 0;
    }
}
