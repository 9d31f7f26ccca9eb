namespace EgressGuard.Inspection;

/// <summary>The outcome of scanning one payload (a body, a URL or a header set).</summary>
public sealed class ScanResult
{
    /// <summary>Creates a result.</summary>
    public ScanResult(IReadOnlyList<PiiFinding> findings, DecodeStatus status, long bytesIn, long bytesScanned, long findingsDropped)
    {
        Findings = findings;
        Status = status;
        BytesIn = bytesIn;
        BytesScanned = bytesScanned;
        FindingsDropped = findingsDropped;
    }

    /// <summary>Findings in the order they were found (at most <see cref="ScannerOptions.MaxFindings"/>).</summary>
    public IReadOnlyList<PiiFinding> Findings { get; }

    /// <summary>Whether the whole payload was decoded; see <see cref="DecodeStatus"/>.</summary>
    public DecodeStatus Status { get; }

    /// <summary>Bytes given to the scanner (as transferred, before decompression).</summary>
    public long BytesIn { get; }

    /// <summary>Bytes of decoded content that were scanned.</summary>
    public long BytesScanned { get; }

    /// <summary>Findings found beyond <see cref="ScannerOptions.MaxFindings"/> and not kept.</summary>
    public long FindingsDropped { get; }

    /// <summary>True when any finding is sensitive personal information.</summary>
    public bool HasSensitive
    {
        get
        {
            foreach (var f in Findings)
            {
                if (f.Sensitive)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
