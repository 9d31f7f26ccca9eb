using BenchmarkDotNet.Running;

namespace EgressGuard.Benchmarks;

/// <summary>
/// Entry point: every benchmark class in this assembly, chosen with BenchmarkDotNet's switches, e.g.
/// <c>dotnet run -c Release --project bench/EgressGuard.Benchmarks -- --filter '*Connect*' --job short</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by <paramref name="args"/>.</summary>
    public static void Main(string[] args)
    {
        // `-- ledger-day N [DIR]`: generate a day of N records through the ledger store and time queries on it.
        if (args.Length >= 2 && args[0] == "ledger-day")
        {
            Ledger.LedgerDayQuery.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : null).GetAwaiter().GetResult();
            return;
        }

        // `-- hash-probe`: per-call cost of SHA-256, one-shot versus a reused context.
        if (args.Length >= 1 && args[0] == "hash-probe")
        {
            Ledger.HashCallProbe.Run();
            return;
        }

        // `-- ledger-probe N [DIR]`: append N records through the store and verify them; CPU time and bytes allocated per record.
        if (args.Length >= 2 && args[0] == "ledger-probe")
        {
            Ledger.LedgerStoreProbe.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : null).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
