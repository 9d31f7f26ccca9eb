namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// A read-only stream over the bytes of the current chunk, so the BCL inflaters can be fed push-style: when the
/// chunk is used up Read returns 0, the inflater returns what it has, and it resumes on the next chunk.
/// </summary>
internal sealed class FeedStream : Stream
{
    private byte[] _pending = [];
    private int _offset;
    private int _count;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Sets the bytes the next reads return (copied into a reusable buffer the caller owns).</summary>
    public void Feed(byte[] buffer, int count)
    {
        _pending = buffer;
        _offset = 0;
        _count = count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _count);
        _pending.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        _count -= n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
