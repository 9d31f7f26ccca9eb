using EgressGuard.Inspection.Decoding;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection;

/// <summary>
/// Scan of one body as it streams through the proxy. Not thread-safe: one writer per stream. Memory is bounded
/// by pooled windows (about 40 KiB for the scan window, inflater buffers and a multipart window), never the body.
/// </summary>
public sealed class PiiStreamScan : IDisposable
{
    private readonly FindingCollector _collector;
    private readonly TextScanner _scanner;
    private readonly DecodeState _state;
    private readonly ByteSink _head;
    private int _reported;
    private bool _completed;
    private bool _disposed;
    private ScanResult? _result;

    internal PiiStreamScan(FingerprintKey key, bool[] enabled, DateOnly today, ScannerOptions options, in ContentDescriptor content)
    {
        _collector = new FindingCollector(key, options.MaxFindings);
        _scanner = new TextScanner(_collector, enabled, today);
        _state = new DecodeState(options.MaxDecodedBytes, options.MaxCompressionRatio);
        _head = ContentPipeline.Build(content, _scanner, new ScanContext(_state, options.MaxJsonDepth));
    }

    /// <summary>
    /// Findings so far. A finding is reported once the scanner has seen enough of what follows it (up to one
    /// window, 8 KiB, later); all of them are in by <see cref="Complete"/>.
    /// </summary>
    public IReadOnlyList<PiiFinding> Findings => _collector.Findings;

    /// <summary>Decode status so far; <see cref="DecodeStatus.BombRefused"/> and the limits are known as soon as they happen.</summary>
    public DecodeStatus Status => _state.Status;

    /// <summary>Scans the next chunk; returns true when findings were added since the previous call.</summary>
    public bool Write(ReadOnlySpan<byte> chunk)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _state.BytesIn += chunk.Length;
        if (_completed || _state.Stopped)
        {
            return false;
        }

        try
        {
            _head.Write(chunk);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A decoder defect must not take the proxy down; the payload is reported as not fully inspected.
            _state.Fail(DecodeStatus.Malformed, stop: true);
        }

        return TakeNew();
    }

    /// <summary>Marks the end of the body, flushes every stage and returns the result (idempotent).</summary>
    public ScanResult Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_completed)
        {
            _completed = true;
            try
            {
                _head.Complete();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _state.Fail(DecodeStatus.Malformed, stop: true);
            }

            _result = new ScanResult(_collector.Findings, _state.Status, _state.BytesIn, _state.BytesDecoded, _collector.Dropped);
        }

        return _result!;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _head.Dispose();
        _scanner.Dispose();
    }

    private bool TakeNew()
    {
        var count = _collector.Count;
        var added = count > _reported;
        _reported = count;
        return added;
    }
}
