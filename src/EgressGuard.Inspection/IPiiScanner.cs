namespace EgressGuard.Inspection;

/// <summary>Finds personal information in outbound requests. Thread-safe; one instance serves all flows.</summary>
public interface IPiiScanner
{
    /// <summary>Starts scanning a body that arrives in chunks; dispose the returned scan when done.</summary>
    PiiStreamScan BeginStream(in ContentDescriptor content);

    /// <summary>Scans a whole body held in memory.</summary>
    ScanResult Scan(ReadOnlySpan<byte> body, in ContentDescriptor content);

    /// <summary>Scans a request target (path and query, percent-encoded as sent); findings are located <c>path</c> or <c>query:NAME</c>.</summary>
    ScanResult ScanUrl(string pathAndQuery);

    /// <summary>Scans request header values; findings are located <c>header:NAME</c>, and the header name is context.</summary>
    ScanResult ScanHeaders(IEnumerable<KeyValuePair<string, string>> headers);
}
