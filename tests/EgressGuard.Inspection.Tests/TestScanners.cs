using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>Shared scanner instances and helpers for the tests.</summary>
internal static class TestScanners
{
    public static readonly byte[] Key = Encoding.ASCII.GetBytes("egressguard-test-fingerprint-key-0001");

    public static readonly PiiScanner Default = new(new ScannerOptions { FingerprintKey = Key, Today = new DateOnly(2025, 6, 1) });

    public static ScanResult ScanText(string text, string? contentType = "text/plain; charset=utf-8") =>
        Default.Scan(Encoding.UTF8.GetBytes(text), new ContentDescriptor(contentType));

    public static IReadOnlyList<PiiFinding> Find(string text, string? contentType = "text/plain; charset=utf-8") => ScanText(text, contentType).Findings;

    /// <summary>The UTF-8 text a finding covers.</summary>
    public static string Covered(string text, PiiFinding f) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text), (int)f.Start, f.Length);
}
