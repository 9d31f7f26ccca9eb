using System.Buffers;
using EgressGuard.Inspection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EgressGuard.Proxy.Inspection;

/// <summary>
/// Inspection of one outbound HTTP request: the URL and headers, then the body — held in full up to
/// <c>Inspection:MaxHoldBytes</c> so a finding can be refused cleanly, and scanned as it streams on
/// past that. Memory per request is bounded by the hold window plus the scanner's pooled windows.
/// </summary>
public sealed class RequestInspection : IDisposable
{
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive",
        "Proxy-Connection", "Accept", "Accept-Encoding", "Accept-Language", "User-Agent", "Cache-Control", "Pragma",
        "Upgrade", "TE", "Expect", "If-Modified-Since", "If-None-Match", "Range",
    };

    private readonly IReadOnlyList<PiiFinding> _urlAndHeaders;
    private readonly PiiStreamScan? _scan;
    private byte[]? _held;
    private int _heldCount;
    private InspectingRequestStream? _stream;

    private RequestInspection(IReadOnlyList<PiiFinding> urlAndHeaders, PiiStreamScan? scan)
    {
        _urlAndHeaders = urlAndHeaders;
        _scan = scan;
    }

    /// <summary>The whole body was read and scanned before any byte was forwarded.</summary>
    public bool BodyComplete { get; private set; }

    /// <summary>A late finding stopped the streamed upload.</summary>
    public bool Stopped => _stream?.Stopped ?? false;

    /// <summary>Everything found so far (URL, headers, body).</summary>
    public IReadOnlyList<PiiFinding> Findings
    {
        get
        {
            if (_scan is null || _scan.Findings.Count == 0)
            {
                return _urlAndHeaders;
            }

            var all = new List<PiiFinding>(_urlAndHeaders.Count + _scan.Findings.Count);
            all.AddRange(_urlAndHeaders);
            all.AddRange(_scan.Findings);
            return all;
        }
    }

    /// <summary>For the record: Complete, Partial (a decoder limit or malformed content) or Stopped.</summary>
    public string State => Stopped ? "Stopped" : _scan is null || _scan.Status is DecodeStatus.Ok or DecodeStatus.NotScanned ? "Complete" : "Partial";

    /// <summary>Scans the URL and headers, then holds and scans the body up to <paramref name="maxHoldBytes"/>.</summary>
    public static async ValueTask<RequestInspection> StartAsync(HttpContext context, IPiiScanner scanner, int maxHoldBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var urlFindings = scanner.ScanUrl(request.Path.ToUriComponent() + request.QueryString.ToUriComponent()).Findings;
        // Most requests carry only the headers skipped below: then there is nothing to hand the scanner.
        var headerFindings = HasInspectableHeaders(request.Headers) ? scanner.ScanHeaders(InspectableHeaders(request.Headers)).Findings : [];
        IReadOnlyList<PiiFinding> found = headerFindings.Count == 0 ? urlFindings : urlFindings.Count == 0 ? headerFindings : [.. urlFindings, .. headerFindings];

        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!hasBody)
        {
            return new RequestInspection(found, null) { BodyComplete = true };
        }

        var scan = scanner.BeginStream(new ContentDescriptor(request.ContentType, request.Headers.ContentEncoding.ToString() is { Length: > 0 } e ? e : null, "body"));
        var inspection = new RequestInspection(found, scan);
        try
        {
            await inspection.HoldAsync(request.Body, request.ContentLength, maxHoldBytes, cancellationToken);
            return inspection;
        }
        catch
        {
            inspection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The body the forwarder reads: the held bytes when the body was complete, else a stream that
    /// keeps scanning and calls <paramref name="shouldStop"/> whenever something new is found
    /// (required then; unused while <see cref="BodyComplete"/>).
    /// </summary>
    public Stream BodyForForwarding(Stream original, Func<bool>? shouldStop)
    {
        if (_scan is null)
        {
            return original;
        }

        if (BodyComplete)
        {
            return new MemoryStream(_held!, 0, _heldCount, writable: false);
        }

        ArgumentNullException.ThrowIfNull(shouldStop);
        _stream = new InspectingRequestStream(_held!, _heldCount, original, _scan, shouldStop);
        _held = null; // now owned by the stream
        return _stream;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream?.Dispose();
        if (_held is not null)
        {
            ArrayPool<byte>.Shared.Return(_held);
            _held = null;
        }

        _scan?.Dispose();
    }

    private static bool HasInspectableHeaders(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (!SkippedHeaders.Contains(name) && !name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in values)
                {
                    if (!string.IsNullOrEmpty(value))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static IEnumerable<KeyValuePair<string, string>> InspectableHeaders(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (SkippedHeaders.Contains(name) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    yield return new KeyValuePair<string, string>(name, value);
                }
            }
        }
    }

    private async Task HoldAsync(Stream body, long? contentLength, int maxHoldBytes, CancellationToken cancellationToken)
    {
        // Rent what the client announced (bounded by the window); a chunked body starts small and grows.
        _held = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(contentLength ?? 16 * 1024, 1, maxHoldBytes));
        while (_heldCount < maxHoldBytes)
        {
            if (_heldCount == _held.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxHoldBytes, _held.Length * 2));
                _held.AsSpan(0, _heldCount).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_held);
                _held = bigger;
            }

            var read = await body.ReadAsync(_held.AsMemory(_heldCount, Math.Min(_held.Length, maxHoldBytes) - _heldCount), cancellationToken);
            if (read == 0)
            {
                BodyComplete = true;
                _scan!.Complete();
                return;
            }

            _scan!.Write(_held.AsSpan(_heldCount, read));
            _heldCount += read;
        }

        // Exactly at the window: one more read tells a body that ends here from one that goes on.
        var probe = new byte[1];
        if (await body.ReadAsync(probe, cancellationToken) == 0)
        {
            BodyComplete = true;
            _scan!.Complete();
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(_heldCount + 1);
        _held.AsSpan(0, _heldCount).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_held);
        _held = grown;
        _held[_heldCount] = probe[0];
        _scan!.Write(probe);
        _heldCount++;
    }
}
