using System.CommandLine;

namespace EgressGuard.Commands;

/// <summary>The <c>egressguard</c> command line: every command, its options, and exit codes (0 ok, 1 error).</summary>
public static class Cli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("EgressGuard: cross-border egress gateway. Inspects, geo-resolves, decides and records every outbound transfer.")
        {
            RunCommand.Create(),
            GeoCommand.Create(),
            ConfigCommand.Create(),
            AssessmentsCommand.Create(),
            LedgerCommand.Create(),
            ScanCommand.Create(),
            ConsoleCommand.Create(),
            CaCommand.Create(),
        };
        // SIGTERM/Ctrl+C are left to the host, which stops listeners and drains the ledger.
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }

    /// <summary>The <c>--config FILE</c> option shared by commands.</summary>
    public static Option<string?> ConfigOption() => new("--config", "-c")
    {
        Description = "Configuration file (JSON). Without it: embedded defaults plus EGRESSGUARD__ environment variables.",
    };

    /// <summary>Writes one line per error to stderr and returns exit code 1.</summary>
    public static int Fail(IEnumerable<string> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine("egressguard: " + error);
        }

        return 1;
    }

    /// <summary>Writes one error line to stderr and returns exit code 1.</summary>
    public static int Fail(string error) => Fail([error]);

    /// <summary>Runs a command body, turning an unexpected exception into one line and exit code 1.</summary>
    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            return 1;
        }
        catch (Exception e)
        {
            return Fail(e.GetType().Name + ": " + e.Message);
        }
    }
}
