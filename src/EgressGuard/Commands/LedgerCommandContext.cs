using EgressGuard.Configuration;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Commands;

/// <summary>What the ledger subcommands share: the validated ledger options from the config.</summary>
internal static class LedgerCommandContext
{
    /// <summary>Loads the config; null (after printing the errors) when it is invalid.</summary>
    public static LedgerOptions? Load(string? configFile, out int exitCode)
    {
        var loaded = ConfigLoader.Load(configFile);
        if (!loaded.Succeeded)
        {
            exitCode = Cli.Fail(loaded.Errors);
            return null;
        }

        exitCode = 0;
        var settings = loaded.Settings!;
        return settings.Ledger ?? new LedgerOptions { DataDirectory = settings.DataDirectory };
    }

    /// <summary>Like <see cref="Load"/>, and the ledger must exist there; null (after printing why) otherwise.</summary>
    public static LedgerOptions? LoadExisting(string? configFile, out int exitCode)
    {
        var options = Load(configFile, out exitCode);
        if (options is not null && !LedgerReader.Exists(options.DataDirectory))
        {
            exitCode = Cli.Fail($"ledger '{LedgerFiles.Directory(options.DataDirectory)}': not found (has the appliance run with this DataDirectory?)");
            return null;
        }

        return options;
    }
}
