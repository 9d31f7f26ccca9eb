using System.Buffers;
using System.Text;

namespace EgressGuard.Inspection.Decoding;

/// <summary>Streaming conversion of a legacy charset (GBK, GB18030, Big5…) to UTF-8 with pooled buffers; multi-byte characters may straddle calls.</summary>
internal sealed class Utf8Transcoder : IDisposable
{
    private const int ChunkChars = 4096;
    private readonly Decoder _decoder;
    private char[]? _chars = ArrayPool<char>.Shared.Rent(ChunkChars);
    private byte[]? _bytes = ArrayPool<byte>.Shared.Rent(ChunkChars * 3);

    public Utf8Transcoder(Encoding source)
    {
        _decoder = source.GetDecoder();
    }

    /// <summary>Converts <paramref name="input"/> and hands each UTF-8 piece to <paramref name="output"/>.</summary>
    public void Transcode(ReadOnlySpan<byte> input, bool flush, ByteSink output)
    {
        var chars = _chars!;
        var bytes = _bytes!;
        do
        {
            _decoder.Convert(input, chars.AsSpan(0, ChunkChars), flush, out var used, out var produced, out _);
            input = input[used..];
            if (produced > 0)
            {
                var n = Encoding.UTF8.GetBytes(chars.AsSpan(0, produced), bytes);
                output.Write(bytes.AsSpan(0, n));
            }
        }
        while (!input.IsEmpty);
    }

    public void Reset() => _decoder.Reset();

    public void Dispose()
    {
        if (_chars is not null)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = null;
        }

        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = null;
        }
    }
}
