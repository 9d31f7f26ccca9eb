namespace EgressGuard.Proxy.Forwarding;

/// <summary>A pass-through stream that counts bytes read and written, for the transfer record.</summary>
public sealed class CountingStream : Stream
{
    private readonly Stream _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CountingStream(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>Bytes read through this stream.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Bytes written through this stream.</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => _inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => _inner.CanWrite;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = _inner.Read(buffer, offset, count);
        BytesRead += n;
        return n;
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Synchronous completion (data already buffered by Kestrel) skips the async machinery.
        var pending = _inner.ReadAsync(buffer, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var n = pending.Result;
            BytesRead += n;
            return new ValueTask<int>(n);
        }

        return AwaitReadAsync(pending);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        _inner.Write(buffer, offset, count);
        BytesWritten += count;
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var pending = _inner.WriteAsync(buffer, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult(); // completes the (possibly pooled) operation
            BytesWritten += buffer.Length;
            return ValueTask.CompletedTask;
        }

        return AwaitWriteAsync(pending, buffer.Length);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask<int> AwaitReadAsync(ValueTask<int> pending)
    {
        var n = await pending;
        BytesRead += n;
        return n;
    }

    private async ValueTask AwaitWriteAsync(ValueTask pending, int length)
    {
        await pending;
        BytesWritten += length;
    }
}
