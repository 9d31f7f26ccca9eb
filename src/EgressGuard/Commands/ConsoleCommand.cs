using System.CommandLine;
using EgressGuard.WebConsole.Security;

namespace EgressGuard.Commands;

/// <summary><c>egressguard console add-key --name N --role R</c>: makes an API key for the console port.</summary>
public static class ConsoleCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Who holds the key (logged with every change made with it)", Required = true };
        var role = new Option<string>("--role") { Description = "admin, reviewer or auditor", Required = true };
        role.AcceptOnlyFromAmong("admin", "reviewer", "auditor");
        var addKey = new Command("add-key", "Make a new API key. Prints the key once (give it to its holder) and the config entry holding only its SHA-256.")
        {
            name, role,
        };
        addKey.SetAction((parse, _) => Cli.Guard(() =>
        {
            var who = parse.GetValue(name)!;
            if (string.IsNullOrWhiteSpace(who) || who.Any(char.IsControl))
            {
                return Task.FromResult(Cli.Fail("--name must be a non-empty name without control characters"));
            }

            var secret = ApiKey.NewSecret();
            var hash = Convert.ToHexStringLower(ApiKey.Hash(secret));
            Console.Out.WriteLine(secret);
            Console.Error.WriteLine("Add this entry to Console:ApiKeys in the configuration (the key above is not stored anywhere):");
            Console.Error.WriteLine($$"""{ "Name": {{System.Text.Json.JsonSerializer.Serialize(who)}}, "Role": "{{parse.GetValue(role)}}", "Sha256": "{{hash}}" }""");
            return Task.FromResult(0);
        }));
        return new Command("console", "Console port (HTTP API) tools.") { addKey };
    }
}
