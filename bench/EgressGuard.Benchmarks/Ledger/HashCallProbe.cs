using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// Not a BenchmarkDotNet class: the per-call cost of SHA-256 over a record-sized (191-byte) and a
/// node-sized (65-byte) input through the BCL's one-shot <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// and through one reused <see cref="IncrementalHash"/>, in thread CPU time (load-independent as far
/// as the scheduler allows). Run with <c>-- hash-probe</c>.
/// </summary>
internal static class HashCallProbe
{
    private const int Calls = 1_000_000;

    public static void Run()
    {
        var record = new byte[191];
        var node = new byte[65];
        Span<byte> output = stackalloc byte[32];
        using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var round = 0; round < 2; round++)
        {
            foreach (var (name, input) in new[] { ("191 B", record), ("65 B", node) })
            {
                var oneShot = Time(() =>
                {
                    Span<byte> o = stackalloc byte[32];
                    for (var i = 0; i < Calls; i++)
                    {
                        SHA256.HashData(input, o);
                    }
                });
                var reused = Time(() =>
                {
                    Span<byte> o = stackalloc byte[32];
                    for (var i = 0; i < Calls; i++)
                    {
                        incremental.AppendData(input);
                        incremental.GetHashAndReset(o);
                    }
                });
                var lowLevel = Time(() =>
                {
                    var o = new byte[32];
                    for (var i = 0; i < Calls; i++)
                    {
                        _ = Sha256(ref input[0], (nuint)input.Length, ref o[0]);
                    }
                });
                var ctxCalls = Time(() =>
                {
                    var o = new byte[32];
                    var ctx = new byte[128];
                    for (var i = 0; i < Calls; i++)
                    {
                        _ = Sha256Init(ref ctx[0]);
                        _ = Sha256Update(ref ctx[0], ref input[0], (nuint)input.Length);
                        _ = Sha256Final(ref o[0], ref ctx[0]);
                    }
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: SHA256.HashData {oneShot:F0} ns/call, reused IncrementalHash {reused:F0} ns/call, libcrypto SHA256() {lowLevel:F0} ns/call, SHA256_Init/Update/Final {ctxCalls:F0} ns (process CPU)"));
            }
        }

        output.Clear();
    }

    [System.Runtime.InteropServices.DllImport("libcrypto.so.3", EntryPoint = "SHA256")]
    private static extern IntPtr Sha256(ref byte data, nuint length, ref byte digest);

    [System.Runtime.InteropServices.DllImport("libcrypto.so.3", EntryPoint = "SHA256_Init")]
    private static extern int Sha256Init(ref byte context);

    [System.Runtime.InteropServices.DllImport("libcrypto.so.3", EntryPoint = "SHA256_Update")]
    private static extern int Sha256Update(ref byte context, ref byte data, nuint length);

    [System.Runtime.InteropServices.DllImport("libcrypto.so.3", EntryPoint = "SHA256_Final")]
    private static extern int Sha256Final(ref byte digest, ref byte context);

    private static double Time(Action action)
    {
        var before = ThreadCpu();
        action();
        return (ThreadCpu() - before).TotalNanoseconds / Calls;
    }

    // CLOCK_THREAD_CPUTIME_ID is not exposed; the process CPU time is close enough on an otherwise idle process.
    private static TimeSpan ThreadCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
