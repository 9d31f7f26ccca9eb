using System.Buffers;
using System.IO.Compression;

namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// Streaming gzip / deflate (zlib or raw) / brotli decoding with a cap on the compression ratio: once more than
/// 1 MiB has come out and output exceeds MaxCompressionRatio × input, the payload is refused as a bomb and
/// nothing more is inflated. Truncation is detected from the gzip ISIZE trailer and brotli's end-of-stream.
/// </summary>
internal sealed class DecompressingSink : ByteSink
{
    private const int ChunkBytes = 16 * 1024;
    private const long RatioFloorBytes = 1024 * 1024;

    private readonly ByteSink _next;
    private readonly DecodeState _state;
    private readonly Coding _coding;
    private readonly FeedStream _feed = new();
    private readonly byte[] _trailer = new byte[8];
    private byte[]? _in = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private byte[]? _out = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private Stream? _inflater;
    private BrotliDecoder _brotli;
    private bool _brotliDone;
    private long _bytesIn;
    private long _bytesOut;
    private bool _stopped;

    public DecompressingSink(ByteSink next, DecodeState state, Coding coding)
    {
        _next = next;
        _state = state;
        _coding = coding;
    }

    public enum Coding
    {
        Gzip,
        Deflate,
        Brotli,
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_stopped && !_state.Stopped)
        {
            var take = Math.Min(data.Length, ChunkBytes);
            WriteChunk(data[..take]);
            data = data[take..];
        }
    }

    public override void Complete()
    {
        if (!_stopped && !_state.Stopped)
        {
            if (_coding == Coding.Gzip && _inflater is not null)
            {
                Drain();
                var size = BitConverter.ToUInt32(_trailer, 4);
                if (_bytesIn < 18 || size != (uint)_bytesOut)
                {
                    _state.Fail(DecodeStatus.Truncated, stop: false);
                }
            }
            else if (_coding == Coding.Brotli && !_brotliDone && _bytesIn > 0)
            {
                _state.Fail(DecodeStatus.Truncated, stop: false);
            }
        }

        _next.Complete();
    }

    public override void Dispose()
    {
        _inflater?.Dispose();
        _brotli.Dispose();
        if (_in is not null)
        {
            ArrayPool<byte>.Shared.Return(_in);
            _in = null;
        }

        if (_out is not null)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = null;
        }

        _next.Dispose();
    }

    private void WriteChunk(ReadOnlySpan<byte> chunk)
    {
        _bytesIn += chunk.Length;
        RememberTrailer(chunk);
        if (_coding == Coding.Brotli)
        {
            Brotli(chunk);
            return;
        }

        chunk.CopyTo(_in);
        _feed.Feed(_in!, chunk.Length);
        _inflater ??= CreateInflater(chunk);
        Drain();
    }

    private Stream CreateInflater(ReadOnlySpan<byte> first)
    {
        if (_coding == Coding.Gzip)
        {
            return new GZipStream(_feed, CompressionMode.Decompress, leaveOpen: true);
        }

        // HTTP "deflate" is meant to be zlib (RFC 9110 §8.4.1.2), but some servers send raw deflate.
        var zlib = first.Length >= 2 && (first[0] & 0x0F) == 8 && ((first[0] << 8) | first[1]) % 31 == 0;
        return zlib ? new ZLibStream(_feed, CompressionMode.Decompress, leaveOpen: true) : new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
    }

    private void Drain()
    {
        try
        {
            int n;
            while (!_stopped && (n = _inflater!.Read(_out!, 0, ChunkBytes)) > 0)
            {
                Forward(_out.AsSpan(0, n));
            }
        }
        catch (InvalidDataException)
        {
            Stop(DecodeStatus.Malformed);
        }
    }

    private void Brotli(ReadOnlySpan<byte> chunk)
    {
        while (!_stopped && !_brotliDone)
        {
            var status = _brotli.Decompress(chunk, _out, out var consumed, out var written);
            chunk = chunk[consumed..];
            if (written > 0)
            {
                Forward(_out.AsSpan(0, written));
            }

            switch (status)
            {
                case OperationStatus.Done:
                    _brotliDone = true;
                    return;
                case OperationStatus.InvalidData:
                    Stop(DecodeStatus.Malformed);
                    return;
                case OperationStatus.NeedMoreData:
                    if (chunk.IsEmpty)
                    {
                        return;
                    }

                    break;
            }
        }
    }

    private void Forward(ReadOnlySpan<byte> decoded)
    {
        _bytesOut += decoded.Length;
        if (_bytesOut > RatioFloorBytes && _bytesOut > _bytesIn * _state.MaxCompressionRatio)
        {
            Stop(DecodeStatus.BombRefused);
            return;
        }

        _next.Write(decoded);
    }

    private void Stop(DecodeStatus status)
    {
        _stopped = true;
        _state.Fail(status, stop: true);
    }

    private void RememberTrailer(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= 8)
        {
            chunk[^8..].CopyTo(_trailer);
            return;
        }

        _trailer.AsSpan(chunk.Length).CopyTo(_trailer);
        chunk.CopyTo(_trailer.AsSpan(8 - chunk.Length));
    }
}
