using System.CommandLine;
using EgressGuard.Configuration;
using EgressGuard.Proxy.Tls;

namespace EgressGuard.Commands;

/// <summary><c>egressguard ca export --out FILE</c>: the appliance CA certificate (PEM) for client trust stores.</summary>
public static class CaCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var output = new Option<string>("--out", "-o") { Description = "File to write the CA certificate (PEM) to; '-' for stdout.", Required = true };
        var export = new Command("export", "Write the appliance CA certificate (PEM), creating the CA if it does not exist yet. Never writes the key.")
        {
            config, output,
        };
        export.SetAction((parse, _) => Cli.Guard(() => ExportAsync(parse.GetValue(config), parse.GetValue(output)!)));
        return new Command("ca", "The appliance CA used for TLS interception.") { export };
    }

    private static async Task<int> ExportAsync(string? configFile, string output)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            return Cli.Fail(loaded.Errors);
        }

        var settings = loaded.Settings!;
        using var ca = CertificateAuthority.LoadOrCreate(settings.Tls, settings.DataDirectory, TimeProvider.System, out var error);
        if (ca is null)
        {
            return Cli.Fail(error!);
        }

        var pem = ca.ExportPem();
        if (output == "-")
        {
            await Console.Out.WriteAsync(pem);
            return 0;
        }

        try
        {
            await File.WriteAllTextAsync(output, pem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Cli.Fail($"--out '{output}': {e.Message}");
        }

        return 0;
    }
}
