using System.Text;
using EgressGuard.Inspection.Decoding;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection;

/// <summary>The PII scanner: immutable after construction, safe to share across all flows and threads.</summary>
public sealed class PiiScanner : IPiiScanner
{
    private readonly ScannerOptions _options;
    private readonly FingerprintKey _key;
    private readonly bool[] _enabled;

    static PiiScanner()
    {
        // GBK, GB18030, Big5 and the other legacy code pages live in the CodePages provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Builds a scanner; throws <see cref="ArgumentException"/> listing every problem with the options.</summary>
    public PiiScanner(ScannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.FingerprintKey.Length < 16)
        {
            errors.Add("FingerprintKey must be at least 16 bytes.");
        }

        if (options.MaxDecodedBytes <= 0 || options.MaxCompressionRatio <= 0 || options.MaxJsonDepth <= 0 || options.MaxFindings <= 0)
        {
            errors.Add("MaxDecodedBytes, MaxCompressionRatio, MaxJsonDepth and MaxFindings must be positive.");
        }

        _enabled = new bool[PiiKinds.Count];
        if (options.EnabledTypes is null)
        {
            Array.Fill(_enabled, true);
        }
        else
        {
            foreach (var name in options.EnabledTypes)
            {
                if (PiiKinds.TryParse(name, out var kind))
                {
                    _enabled[(int)kind] = true;
                }
                else
                {
                    errors.Add("Unknown PII type '" + name + "'.");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _key = new FingerprintKey(options.FingerprintKey.Span);
    }

    /// <inheritdoc />
    public PiiStreamScan BeginStream(in ContentDescriptor content) => new(_key, _enabled, Today(), _options, content);

    /// <inheritdoc />
    public ScanResult Scan(ReadOnlySpan<byte> body, in ContentDescriptor content)
    {
        using var scan = BeginStream(content);
        scan.Write(body);
        return scan.Complete();
    }

    /// <inheritdoc />
    public ScanResult ScanUrl(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var hash = pathAndQuery.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            pathAndQuery = pathAndQuery[..hash];
        }

        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var collector = new FindingCollector(_key, _options.MaxFindings);
        using var scanner = new TextScanner(collector, _enabled, Today());
        var decodedPath = Encoding.UTF8.GetBytes(Uri.UnescapeDataString(path));
        scanner.ScanWhole(0, "path", null, default, decodedPath);
        long scanned = decodedPath.Length;
        if (q >= 0)
        {
            var query = Encoding.UTF8.GetBytes(pathAndQuery[(q + 1)..]);
            using var form = new FormSink(scanner, 0, "query", null);
            form.Write(query);
            form.Complete();
            scanned += query.Length;
        }

        return new ScanResult(collector.Findings, DecodeStatus.Ok, Encoding.UTF8.GetByteCount(pathAndQuery), scanned, collector.Dropped);
    }

    /// <inheritdoc />
    public ScanResult ScanHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var collector = new FindingCollector(_key, _options.MaxFindings);
        using var scanner = new TextScanner(collector, _enabled, Today());
        long scanned = 0;
        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(value);
            scanner.ScanWhole(0, "header:" + name, null, Encoding.UTF8.GetBytes(name), bytes);
            scanned += bytes.Length;
        }

        return new ScanResult(collector.Findings, DecodeStatus.Ok, scanned, scanned, collector.Dropped);
    }

    private DateOnly Today() => _options.Today ?? DateOnly.FromDateTime(DateTime.UtcNow);
}
