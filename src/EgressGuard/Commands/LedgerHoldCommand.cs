using System.CommandLine;
using System.Globalization;
using EgressGuard.Ledger.Retention;

namespace EgressGuard.Commands;

/// <summary><c>ledger hold add|list|release</c>: legal holds that stop retention purges.</summary>
internal static class LedgerHoldCommand
{
    public static Command Create()
    {
        var addConfig = Cli.ConfigOption();
        var from = new Option<string>("--from") { Description = "First held UTC day (YYYY-MM-DD)", Required = true };
        var to = new Option<string>("--to") { Description = "Last held UTC day (YYYY-MM-DD)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (case number, request)", Required = true };
        var add = new Command("add", "Place a legal hold on a range of days.") { addConfig, from, to, reason };
        add.SetAction((parse, _) => Cli.Guard(() =>
        {
            var options = LedgerCommandContext.Load(parse.GetValue(addConfig), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            var errors = new List<string>();
            var f = Day(parse.GetValue(from)!, "--from", errors);
            var t = Day(parse.GetValue(to)!, "--to", errors);
            if (errors.Count > 0)
            {
                return Task.FromResult(Cli.Fail(errors));
            }

            var id = LegalHolds.Add(options.DataDirectory, f, t, parse.GetValue(reason)!, DateTimeOffset.UtcNow, out var error);
            if (id is null)
            {
                return Task.FromResult(Cli.Fail(error!));
            }

            Console.Out.WriteLine($"hold {id} placed on {f:yyyy-MM-dd}/{t:yyyy-MM-dd}");
            return Task.FromResult(0);
        }));

        var listConfig = Cli.ConfigOption();
        var list = new Command("list", "List legal holds (active and released).") { listConfig };
        list.SetAction((parse, _) => Cli.Guard(() =>
        {
            var options = LedgerCommandContext.Load(parse.GetValue(listConfig), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            foreach (var hold in LegalHolds.List(options.DataDirectory))
            {
                var state = hold.Released is { } r ? "released " + r.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "active";
                Console.Out.WriteLine($"{hold.Id}\t{hold.Range}\t{state}\t{hold.Reason}");
            }

            return Task.FromResult(0);
        }));

        var releaseConfig = Cli.ConfigOption();
        var id = new Argument<long>("id") { Description = "The hold's id (from list)" };
        var release = new Command("release", "Release a legal hold.") { releaseConfig, id };
        release.SetAction((parse, _) => Cli.Guard(() =>
        {
            var options = LedgerCommandContext.Load(parse.GetValue(releaseConfig), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            if (!LegalHolds.Release(options.DataDirectory, parse.GetValue(id), DateTimeOffset.UtcNow, out var error))
            {
                return Task.FromResult(Cli.Fail(error!));
            }

            Console.Out.WriteLine($"hold {parse.GetValue(id)} released");
            return Task.FromResult(0);
        }));

        return new Command("hold", "Legal holds: no purge touches a held range.") { add, list, release };
    }

    private static DateOnly Day(string text, string name, List<string> errors)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add($"{name}: '{text}' is not a day (YYYY-MM-DD)");
        return default;
    }
}
