using System.CommandLine;
using System.Net;
using System.Text.Json;
using EgressGuard.Configuration;
using EgressGuard.Geo;

namespace EgressGuard.Commands;

/// <summary><c>egressguard geo lookup IP…</c>: country and jurisdiction as the proxy would see them.</summary>
public static class GeoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var addresses = new Argument<string[]>("IP") { Description = "IPv4 or IPv6 addresses", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "text (default) or jsonl", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "jsonl");
        var lookup = new Command("lookup", "Print the country (database or admin override) and jurisdiction (outbound/domestic) of each address.")
        {
            addresses, config, format,
        };
        lookup.SetAction((parse, _) => Cli.Guard(() => Task.FromResult(Lookup(parse.GetValue(config), parse.GetValue(addresses)!, parse.GetValue(format)!))));
        return new Command("geo", "Country database tools.") { lookup };
    }

    private static int Lookup(string? configFile, string[] addresses, string format)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        var settings = loaded.Settings!;
        var opened = CountryDatabase.Open(settings.GeoDatabase);
        if (!opened.Succeeded)
        {
            return Cli.Fail(opened.Error!);
        }

        using var database = opened.Database!;
        var resolver = new CountryResolver(database, settings.GeoOverrides);
        var jurisdictions = JurisdictionMap.Create(settings.HomeJurisdictions, new List<string>());
        var exit = 0;
        using var stdout = Console.OpenStandardOutput();
        foreach (var text in addresses)
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                exit = Cli.Fail($"'{text}' is not an IP address");
                continue;
            }

            var result = resolver.Resolve(address);
            var jurisdiction = jurisdictions.IsOutbound(result.Country) ? "outbound" : "domestic";
            var source = result.Source.ToString().ToLowerInvariant();
            if (format == "jsonl")
            {
                using var json = new Utf8JsonWriter(stdout);
                json.WriteStartObject();
                json.WriteString("ip", address.ToString());
                if (result.Country is null)
                {
                    json.WriteNull("country");
                }
                else
                {
                    json.WriteString("country", result.Country);
                }

                json.WriteString("jurisdiction", jurisdiction);
                json.WriteString("source", source);
                json.WriteString("databaseBuild", database.Info.BuildDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.Flush();
                stdout.Write("\n"u8);
            }
            else
            {
                var line = $"{address}\t{result.Country ?? "unknown"}\t{jurisdiction}\t{source}\n";
                stdout.Write(System.Text.Encoding.UTF8.GetBytes(line));
            }
        }

        return exit;
    }
}
