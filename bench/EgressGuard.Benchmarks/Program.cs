using BenchmarkDotNet.Running;

namespace EgressGuard.Benchmarks;

/// <summary>
/// Entry point: every benchmark class in this assembly, chosen with BenchmarkDotNet's switches, e.g.
/// <c>dotnet run -c Release --project bench/EgressGuard.Benchmarks -- --filter '*Connect*' --job short</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by <paramref name="args"/>.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
