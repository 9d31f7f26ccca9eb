using System.Buffers;
using EgressGuard.Inspection;

namespace EgressGuard.Proxy.Inspection;

/// <summary>
/// The request body as the forwarder reads it once the hold window is exceeded: the held bytes,
/// then the rest of the client's body, each chunk scanned before it is passed on. Forwarding trails
/// the scanner by <see cref="Lag"/> bytes — more than the scanner needs to confirm a finding — so a
/// finding that turns the decision into Block stops the upload before the bytes carrying it leave
/// (for identity-encoded bodies; a compressed body can need more input before its decoder yields
/// the text). Stopping is an <see cref="IOException"/>, which makes the forwarder abort the
/// upstream request.
/// </summary>
public sealed class InspectingRequestStream : Stream
{
    /// <summary>Bytes kept back from the forwarder until the scanner has seen past them.</summary>
    public const int Lag = 16 * 1024;

    private const int ReadSize = 16 * 1024;

    private readonly Stream _inner;
    private readonly PiiStreamScan _scan;
    private readonly Func<bool> _shouldStop;
    private byte[] _pending;
    private int _count;
    private bool _innerDone;

    /// <summary>Starts with <paramref name="heldCount"/> bytes of <paramref name="held"/> (a pooled buffer this stream now owns), already scanned.</summary>
    public InspectingRequestStream(byte[] held, int heldCount, Stream inner, PiiStreamScan scan, Func<bool> shouldStop)
    {
        _pending = held;
        _count = heldCount;
        _inner = inner;
        _scan = scan;
        _shouldStop = shouldStop;
        EnsureCapacity(Lag + ReadSize);
    }

    /// <summary>Whether a late finding stopped the upload.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Bytes handed to the forwarder.</summary>
    public long BytesForwarded { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (Stopped)
            {
                throw StoppedException();
            }

            var releasable = _innerDone ? _count : _count - Lag;
            if (releasable > 0 && !buffer.IsEmpty)
            {
                var n = Math.Min(releasable, buffer.Length);
                _pending.AsSpan(0, n).CopyTo(buffer.Span);
                _pending.AsSpan(n, _count - n).CopyTo(_pending);
                _count -= n;
                BytesForwarded += n;
                return n;
            }

            if (_innerDone || buffer.IsEmpty)
            {
                return 0;
            }

            EnsureCapacity(_count + ReadSize);
            var read = await _inner.ReadAsync(_pending.AsMemory(_count, ReadSize), cancellationToken);
            if (read == 0)
            {
                _innerDone = true;
                _scan.Complete();
                if (_shouldStop())
                {
                    Stopped = true;
                }

                continue;
            }

            var added = _scan.Write(_pending.AsSpan(_count, read));
            _count += read;
            if (added && _shouldStop())
            {
                Stopped = true;
            }
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = [];
        }

        base.Dispose(disposing);
    }

    private static IOException StoppedException() =>
        new("EgressGuard stopped the upload: personal information found in the streamed body is not covered for this destination.");

    private void EnsureCapacity(int size)
    {
        if (_pending.Length >= size)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _pending.Length * 2));
        _pending.AsSpan(0, _count).CopyTo(bigger);
        if (_pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_pending);
        }

        _pending = bigger;
    }
}
