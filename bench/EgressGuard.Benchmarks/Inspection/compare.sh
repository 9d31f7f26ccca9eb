#!/usr/bin/env bash
# Sameness and CPU per scan of two builds of EgressGuard.Inspection.dll (e.g. a branch point and a branch):
#
#   bench/EgressGuard.Benchmarks/Inspection/compare.sh BASE_DLL NEW_DLL
#
# Each DLL must be named EgressGuard.Inspection.dll (put the base build in its own folder, e.g. from
# `git archive <commit> | tar -x -C /tmp/base && dotnet build /tmp/base/src/EgressGuard.Inspection -c Release`).
# A throw-away harness (same payloads and key as PiiScanBenchmarks) is built against each and
#  1. dumps every field of every finding (plus status and byte counts) for clean/dense/gzip JSON (seeds 1, 2, 7), the
#     form, and clean/dense bodies as text/plain, whole and streamed in 1/7/333/4096-byte chunks; the dumps must be
#     identical (`cmp`);
#  2. prints CPU microseconds per scan (process CPU time over N scans, median of 5 rounds) and bytes allocated per
#     scan, alternating base and new so machine load hits both alike. Note the load average next to the numbers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed 's/internal static class InspectionPayloads/public static class InspectionPayloads/' "$here/InspectionPayloads.cs" > "$work/InspectionPayloads.cs"
cat > "$work/harness.csproj" <<'PROJ'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><Reference Include="EgressGuard.Inspection"><HintPath>$(InspDll)</HintPath></Reference></ItemGroup>
</Project>
PROJ
cat > "$work/Program.cs" <<'CS'
using System.Diagnostics;
using System.Text;
using EgressGuard.Benchmarks.Inspection;
using EgressGuard.Inspection;

var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = Encoding.ASCII.GetBytes("benchmark-fingerprint-key-000001") });
(byte[] body, ContentDescriptor d) Payload(string name, int seed) => name switch
{
    "clean" => (InspectionPayloads.CleanJson(1 << 20, seed), new ContentDescriptor("application/json")),
    "dense" => (InspectionPayloads.DensePiJson(1 << 20, seed), new ContentDescriptor("application/json")),
    "form" => (InspectionPayloads.Form(), new ContentDescriptor("application/x-www-form-urlencoded")),
    "gzip" => (InspectionPayloads.Gzip(InspectionPayloads.CleanJson(1 << 20, seed)), new ContentDescriptor("application/json", "gzip")),
    "cleantext" => (InspectionPayloads.CleanJson(1 << 18, seed), new ContentDescriptor("text/plain")),
    "densetext" => (InspectionPayloads.DensePiJson(1 << 18, seed), new ContentDescriptor("text/plain")),
    _ => throw new ArgumentException(name),
};
static void Dump(TextWriter w, string tag, ScanResult r)
{
    w.WriteLine($"## {tag} status={r.Status} in={r.BytesIn} scanned={r.BytesScanned} dropped={r.FindingsDropped} n={r.Findings.Count}");
    foreach (var f in r.Findings)
        w.WriteLine($"{f.Type}|{f.Personal}|{f.Sensitive}|{f.Validated}|{f.Confidence:R}|{f.Masked}|{f.Fingerprint}|{f.Start}|{f.Length}|{f.Location}");
}
if (args[0] == "dump")
{
    using var w = new StreamWriter(args[1]);
    foreach (var name in new[] { "clean", "dense", "form", "gzip", "cleantext", "densetext" })
    foreach (var seed in name == "form" ? new[] { 1 } : new[] { 1, 2, 7 })
    {
        var (body, d) = Payload(name, seed);
        Dump(w, $"{name}/{seed}/whole", scanner.Scan(body, d));
        foreach (var chunk in new[] { 1, 7, 333, 4096 })
        {
            if (chunk == 1 && body.Length > 300_000 && seed != 1) continue;
            using var s = scanner.BeginStream(d);
            for (var i = 0; i < body.Length; i += chunk) s.Write(body.AsSpan(i, Math.Min(chunk, body.Length - i)));
            Dump(w, $"{name}/{seed}/chunk{chunk}", s.Complete());
        }
    }
    return;
}
// time NAME ITER: CPU microseconds and bytes allocated per scan
{
    var (body, d) = Payload(args[1], 1);
    var n = int.Parse(args[2]);
    for (var i = 0; i < Math.Max(20, n / 10); i++) scanner.Scan(body, d);
    var rounds = new List<double>();
    for (var r = 0; r < 5; r++)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++) scanner.Scan(body, d);
        var alloc = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / (double)n;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds * 1000 / n;
        rounds.Add(cpu);
        Console.WriteLine($"{args[1]} cpu-us/scan={cpu:F2} alloc-B/scan={alloc:F0}");
    }
    rounds.Sort();
    Console.WriteLine($"{args[1]} median cpu-us/scan={rounds[2]:F2}");
}
CS
for side in base new; do
  dll="$(realpath "$([ "$side" = base ] && echo "$1" || echo "$2")")"
  dotnet build "$work/harness.csproj" -c Release -nologo -v q -p:InspDll="$dll" -o "$work/$side" > "$work/build-$side.log" || { cat "$work/build-$side.log"; exit 1; }
  cp "$dll" "$work/$side/"
  dotnet "$work/$side/harness.dll" dump "$work/$side.txt"
done
if cmp -s "$work/base.txt" "$work/new.txt"; then echo "findings: identical ($(wc -l < "$work/new.txt") lines)"; else echo "findings: DIFFERENT"; diff "$work/base.txt" "$work/new.txt" | head -20; fi
uptime
for spec in ${PAYLOADS:-form:100000 dense:100 clean:200 gzip:100}; do
  for side in base new; do
    printf '%-5s ' "$side"; dotnet "$work/$side/harness.dll" time ${spec/:/ } | tail -1
  done
done
uptime
