using System.Diagnostics;
using System.Globalization;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// Not a BenchmarkDotNet class: load-independent evidence for the store. Appends N corpus records
/// through <see cref="MerkleTransferLedger"/> (one appender awaiting each append, as
/// <see cref="LedgerStoreBenchmarks"/>) and verifies the result, printing wall time, process CPU time
/// and bytes allocated per record plus the load average. Run with <c>-- ledger-probe N [DIR]</c>.
/// </summary>
internal static class LedgerStoreProbe
{
    /// <summary>Verify runs after the append (0 with <c>EGRESSGUARD_PROBE_APPEND_ONLY=1</c>, for profiling the append alone).</summary>
    private static int VerifyRuns => Environment.GetEnvironmentVariable("EGRESSGUARD_PROBE_APPEND_ONLY") == "1" ? 0 : 2;

    public static async Task RunAsync(int count, string? directory)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "egressguard-ledger-probe-" + Guid.NewGuid().ToString("N"));
        var records = LedgerCorpus.Records(Math.Min(count, 200_000));
        var process = Process.GetCurrentProcess();
        Console.WriteLine("load average: " + LoadAverage());
        var reuse = Directory.Exists(directory);
        var (wall, cpu, bytes) = reuse ? default : await MeasureAsync(process, async () =>
        {
            await using var ledger = MerkleTransferLedger.Open(new LedgerOptions { DataDirectory = directory, Origin = LedgerCorpus.Origin }).Ledger!;
            for (var i = 0; i < count; i++)
            {
                await ledger.AppendAsync(records[i % records.Length]);
            }

            await ledger.FlushAsync();
        });
        if (!reuse)
        {
            Report("append", count, wall, cpu, bytes);
        }

        var keys = LedgerStoreVerifier.LoadTrustedKeys(directory, LedgerCorpus.Origin, out _);
        if (Environment.GetEnvironmentVariable("EGRESSGUARD_PROBE_SCAN_ONLY") == "1")
        {
            // The read side alone (SQLite rows + column checks, batches released at once), on this thread.
            long rows = 0;
            _ = LedgerReader.ReadTreeState(directory); // initialises SQLitePCLRaw (Microsoft.Data.Sqlite does it on first use)
            (wall, cpu, bytes) = await MeasureAsync(process, () =>
            {
                PartitionScan.Read(directory, 0, 4_096, batch =>
                {
                    rows += batch.Count;
                    batch.Release();
                    return true;
                });
                return Task.CompletedTask;
            });
            Report("scan only", (int)rows, wall, cpu, bytes);
        }

        for (var run = 0; run < VerifyRuns; run++)
        {
            LedgerVerificationResult? result = null;
            (wall, cpu, bytes) = await MeasureAsync(process, () =>
            {
                var report = LedgerStoreVerifier.Verify(directory, keys, LedgerCorpus.Origin);
                result = new LedgerVerificationResult(report.Succeeded, report.RecordsChecked, report.Failure?.Message);
                return Task.CompletedTask;
            });
            Report(result!.Ok ? "verify" : "verify FAILED: " + result.Error, (int)result.Records, wall, cpu, bytes);
        }

        Console.WriteLine("load average: " + LoadAverage());
        if (Environment.GetEnvironmentVariable("EGRESSGUARD_PROBE_KEEP") != "1")
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(TimeSpan Wall, TimeSpan Cpu, long Bytes)> MeasureAsync(Process process, Func<Task> action)
    {
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var sys0 = process.PrivilegedProcessorTime;
        var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        var threads0 = ThreadTimes();
        var seen = new Dictionary<string, (string Name, long Ticks, long WaitNs)>();
        using var sampling = new ManualResetEventSlim();
        long samplerBytes = 0;

        // Threads that end before the action does (the verifier's readers) are seen by sampling every
        // 200 ms, on a thread of its own whose allocations are left out of the figure.
        var sampler = new Thread(() =>
        {
            do
            {
                foreach (var (tid, value) in ThreadTimes())
                {
                    seen[tid] = value;
                }
            }
            while (!sampling.Wait(200));
            foreach (var (tid, value) in ThreadTimes())
            {
                seen[tid] = value;
            }

            samplerBytes = GC.GetAllocatedBytesForCurrentThread();
        });
        sampler.Start();
        var clock = Stopwatch.StartNew();
        await action();
        clock.Stop();
        sampling.Set();
        sampler.Join();
        process.Refresh();
        PrintBusyThreads(threads0, seen);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (kernel CPU {(process.PrivilegedProcessorTime - sys0).TotalSeconds:F2} s of {(process.TotalProcessorTime - cpu0).TotalSeconds:F2} s)"));
        return (clock.Elapsed, process.TotalProcessorTime - cpu0, GC.GetTotalAllocatedBytes(precise: true) - bytes0 - samplerBytes);
    }

    // Per-thread CPU from /proc (utime + stime, clock ticks): shows which stage is the bottleneck.
    private static Dictionary<string, (string Name, long Ticks, long WaitNs)> ThreadTimes()
    {
        var result = new Dictionary<string, (string, long, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return result;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                // schedstat: ns on a CPU, ns runnable but waiting for one (the machine's load), timeslices.
                var sched = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                result[Path.GetFileName(task)] = (name, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                    long.Parse(sched[1], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return result;
    }

    private static void PrintBusyThreads(Dictionary<string, (string Name, long Ticks, long WaitNs)> before, Dictionary<string, (string Name, long Ticks, long WaitNs)> after)
    {
        foreach (var (tid, (name, ticks, wait)) in after)
        {
            var had = before.TryGetValue(tid, out var b);
            var delta = ticks - (had ? b.Ticks : 0);
            if (delta >= 10)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  thread {tid} '{name}': {delta / 100.0:F2} s CPU, {(wait - (had ? b.WaitNs : 0)) / 1e9:F2} s runnable but waiting for a CPU"));
            }
        }
    }

    private static void Report(string what, int count, TimeSpan wall, TimeSpan cpu, long bytes) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {count:N0} records, wall {wall.TotalSeconds:F2} s = {count / wall.TotalSeconds:N0}/s, CPU {cpu.TotalMicroseconds / count:F2} µs/record (all threads), {bytes / (double)count:F0} B allocated/record"));

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private sealed record LedgerVerificationResult(bool Ok, ulong Records, string? Error);
}
