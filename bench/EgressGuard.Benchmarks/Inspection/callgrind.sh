#!/usr/bin/env bash
# Instructions per scan of the benchmark payloads, counted by valgrind (callgrind), which machine load does not move.
#
#   bench/EgressGuard.Benchmarks/Inspection/callgrind.sh [INSPECTION_DLL]
#
# PAYLOADS="name:N1:N2 …" picks payloads and scan counts (default: all four, see the loop at the end).
# INSPECTION_DLL defaults to src/EgressGuard.Inspection/bin/Release/net10.0/EgressGuard.Inspection.dll (build it first:
# dotnet build src/EgressGuard.Inspection -c Release). A throw-away harness (same payloads as PiiScanBenchmarks, same
# scanner options) is built in a temp folder; each payload runs N1 and N2 scans under callgrind and the difference
# divided by N2 - N1 is reported, so process start, JIT and payload generation cancel out. Tiered compilation is off
# (DOTNET_TieredCompilation=0) so every method is compiled once, fully optimised, without timing-dependent tiering.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
dll="$(realpath "${1:-$root/src/EgressGuard.Inspection/bin/Release/net10.0/EgressGuard.Inspection.dll}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed 's/internal static class InspectionPayloads/public static class InspectionPayloads/' "$here/InspectionPayloads.cs" > "$work/InspectionPayloads.cs"
cat > "$work/harness.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><Reference Include="EgressGuard.Inspection"><HintPath>$dll</HintPath></Reference></ItemGroup>
</Project>
PROJ
cat > "$work/Program.cs" <<'CS'
using System.Text;
using EgressGuard.Benchmarks.Inspection;
using EgressGuard.Inspection;

var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = Encoding.ASCII.GetBytes("benchmark-fingerprint-key-000001") });
var clean = InspectionPayloads.CleanJson(1 << 20);
var (body, descriptor) = args[0] switch
{
    "clean-json-1MB" => (clean, new ContentDescriptor("application/json")),
    "dense-pi-json-1MB" => (InspectionPayloads.DensePiJson(1 << 20), new ContentDescriptor("application/json")),
    "form-2KB" => (InspectionPayloads.Form(), new ContentDescriptor("application/x-www-form-urlencoded")),
    _ => (InspectionPayloads.Gzip(clean), new ContentDescriptor("application/json", "gzip")),
};
for (var i = int.Parse(args[1]); i > 0; i--)
{
    scanner.Scan(body, descriptor);
}
CS
dotnet build "$work/harness.csproj" -c Release -nologo -v q -o "$work/out" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
count() {
  DOTNET_TieredCompilation=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null dotnet "$work/out/harness.dll" "$1" "$2" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-22s %16s\n' payload instructions/scan
for spec in ${PAYLOADS:-clean-json-1MB:2:12 dense-pi-json-1MB:2:12 gzip-clean-json-1MB:2:12 form-2KB:200:2200}; do
  IFS=: read -r name n1 n2 <<< "$spec"
  a=$(count "$name" "$n1"); b=$(count "$name" "$n2")
  printf '%-22s %16d\n' "$name" $(( (b - a) / (n2 - n1) ))
done
