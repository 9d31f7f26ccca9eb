using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using EgressGuard.Inspection;

namespace EgressGuard.Benchmarks.Inspection;

/// <summary>
/// EgressGuard's scanner against a compiled-Regex scanner with equivalent patterns, on the same bodies in the same
/// run. MB/s = payload bytes (as sent) / mean time.
/// </summary>
[MemoryDiagnoser]
public class PiiScanBenchmarks
{
    private readonly PiiScanner _scanner = new(new ScannerOptions { FingerprintKey = Encoding.ASCII.GetBytes("benchmark-fingerprint-key-000001") });
    private byte[] _body = [];
    private ContentDescriptor _descriptor;

    /// <summary>The request body.</summary>
    [Params("clean-json-1MB", "dense-pi-json-1MB", "form-2KB", "gzip-clean-json-1MB")]
    public string Payload { get; set; } = "clean-json-1MB";

    /// <summary>Builds the payload once per parameter value.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_body, _descriptor) = Payload switch
        {
            "clean-json-1MB" => (InspectionPayloads.CleanJson(1 << 20), new ContentDescriptor("application/json")),
            "dense-pi-json-1MB" => (InspectionPayloads.DensePiJson(1 << 20), new ContentDescriptor("application/json")),
            "form-2KB" => (InspectionPayloads.Form(), new ContentDescriptor("application/x-www-form-urlencoded")),
            _ => (InspectionPayloads.Gzip(InspectionPayloads.CleanJson(1 << 20)), new ContentDescriptor("application/json", "gzip")),
        };
        if (_body.Length == 0 || _scanner.Scan(_body, _descriptor).Status != DecodeStatus.Ok)
        {
            throw new InvalidOperationException("benchmark payload " + Payload + " did not decode");
        }
    }

    /// <summary>The scanner under test: decode and scan, findings included.</summary>
    [Benchmark(Description = "EgressGuard PiiScanner")]
    public int PiiScannerScan() => _scanner.Scan(_body, _descriptor).Findings.Count;

    /// <summary>The baseline: BCL decoding to a string, then one compiled Regex per type plus validation.</summary>
    [Benchmark(Baseline = true, Description = "Regex (Compiled), same patterns")]
    public int RegexScan()
    {
        string text;
        if (_descriptor.ContentEncoding == "gzip")
        {
            using var gz = new GZipStream(new MemoryStream(_body), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            text = RegexPiiScanner.DecodeJson(ms.ToArray());
        }
        else
        {
            text = _descriptor.ContentType!.StartsWith("application/x-www", StringComparison.Ordinal)
                ? RegexPiiScanner.DecodeForm(_body)
                : RegexPiiScanner.DecodeJson(_body);
        }

        return RegexPiiScanner.Scan(text);
    }
}
