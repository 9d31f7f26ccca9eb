using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>Content of unknown or generic type: JSON when the first non-blank byte is '{' or '[', else text.</summary>
internal sealed class SniffingSink : ByteSink
{
    private readonly TextScanner _scanner;
    private readonly long _baseOffset;
    private readonly string _location;
    private readonly int _maxJsonDepth;
    private readonly byte[] _blank = new byte[64];
    private int _blankLength;
    private ByteSink? _inner;

    public SniffingSink(TextScanner scanner, long baseOffset, string location, int maxJsonDepth)
    {
        _scanner = scanner;
        _baseOffset = baseOffset;
        _location = location;
        _maxJsonDepth = maxJsonDepth;
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_inner is null)
        {
            var first = data.IndexOfAnyExcept(" \t\r\n"u8);
            if (first < 0 && _blankLength + data.Length <= _blank.Length)
            {
                data.CopyTo(_blank.AsSpan(_blankLength));
                _blankLength += data.Length;
                return;
            }

            _inner = first >= 0 && data[first] is (byte)'{' or (byte)'['
                ? new JsonSink(_scanner, _baseOffset, _location, _maxJsonDepth)
                : new PlainTextSink(_scanner, _baseOffset, _location, default);
            if (_blankLength > 0)
            {
                _inner.Write(_blank.AsSpan(0, _blankLength));
            }
        }

        _inner.Write(data);
    }

    public override void Complete()
    {
        if (_inner is null)
        {
            _inner = new PlainTextSink(_scanner, _baseOffset, _location, default);
            _inner.Write(_blank.AsSpan(0, _blankLength));
        }

        _inner.Complete();
    }
}
