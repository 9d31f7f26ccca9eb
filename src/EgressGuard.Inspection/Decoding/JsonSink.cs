using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// Streaming JSON reader: every string and number value is one scanner segment, with <c>\uXXXX</c> and other
/// escapes undone (so <c>"\u8eab\u4efd\u8bc1\u53f7"</c> is the key 身份证号 and gives context) and the nearest
/// object key as its field name. Nesting is tracked without recursion; beyond MaxJsonDepth values are still
/// scanned and the path is shown truncated. Offsets are positions in the unescaped document (equal to input
/// offsets when the document has no escapes).
/// </summary>
internal sealed class JsonSink : ByteSink, ILocationSource
{
    private const int MaxKeyBytes = 64;

    // The structural stops ({}[],:"- and digits) as a table, for the one-byte test before the block search.
    private static readonly bool[] IsStructureStop = BuildStopTable();

    private readonly TextScanner _scanner;
    private readonly long _base;
    private readonly string _location;
    private readonly int _maxDepth;
    private readonly bool[] _isArray;
    private readonly int[] _index;
    private readonly byte[] _keys;
    private readonly int[] _keyLength;
    private readonly ContextHints[] _keyHints;
    private readonly byte[] _pendingKey = new byte[MaxKeyBytes];
    private int _pendingKeyLength;
    private int _depth;
    private bool _expectKey;
    private State _state;
    private bool _stringIsKey;
    private bool _segmentOpen;
    private long _pos;
    private int _unicode;
    private int _unicodeDigits;
    private int _highSurrogate;

    // Byte classes of the span Write is reading, a 64-byte block at a time (token ends without a search call per token).
    private JsonBlockIndex _blocks;

    public JsonSink(TextScanner scanner, long baseOffset, string location, int maxDepth)
    {
        _scanner = scanner;
        _base = baseOffset;
        _location = location;
        _maxDepth = Math.Max(1, maxDepth);
        _isArray = new bool[_maxDepth];
        _index = new int[_maxDepth];
        _keys = new byte[_maxDepth * MaxKeyBytes];
        _keyLength = new int[_maxDepth];
        _keyHints = new ContextHints[_maxDepth];
    }

    private enum State
    {
        Structure,
        String,
        Escape,
        Unicode,
        Number,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Write(ReadOnlySpan<byte> data)
    {
        _blocks.Reset();
        var i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.Structure:
                    i = Structure(data, i);
                    break;
                case State.String:
                    i = StringRun(data, i);
                    break;
                case State.Escape:
                    Escape(data[i++]);
                    break;
                case State.Unicode:
                    UnicodeDigit(data[i++]);
                    break;
                default:
                    i = NumberRun(data, i);
                    break;
            }
        }
    }

    public override void Complete()
    {
        if (_segmentOpen)
        {
            _scanner.EndSegment();
            _segmentOpen = false;
        }
    }

    public string DescribeLocation()
    {
        // Built in a stack buffer and allocated once: this runs for every finding.
        var tracked = Math.Min(_depth, _maxDepth);
        var max = _location.Length + "/json:$".Length + (tracked * (MaxKeyBytes + 12)) + 2;
        char[]? rented = null;
        var buffer = max <= 1024 ? stackalloc char[1024] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            _location.CopyTo(buffer);
            var n = _location.Length;
            "/json:$".CopyTo(buffer[n..]);
            n += "/json:$".Length;
            for (var d = 0; d < tracked; d++)
            {
                if (_isArray[d])
                {
                    buffer[n++] = '[';
                    _index[d].TryFormat(buffer[n..], out var written, default, CultureInfo.InvariantCulture);
                    n += written;
                    buffer[n++] = ']';
                }
                else if (_keyLength[d] > 0)
                {
                    buffer[n++] = '.';
                    n += Encoding.UTF8.GetChars(_keys.AsSpan(d * MaxKeyBytes, _keyLength[d]), buffer[n..]);
                }
            }

            if (_depth > _maxDepth)
            {
                buffer[n++] = '.';
                buffer[n++] = '…';
            }

            return new string(buffer[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private bool InObject => _depth > 0 && _depth <= _maxDepth && !_isArray[_depth - 1];

    /// <summary>The nearest enclosing key of the value that starts here, or empty.</summary>
    private ReadOnlyMemory<byte> FieldName(int depth) => depth < 0 ? default : _keys.AsMemory(depth * MaxKeyBytes, _keyLength[depth]);

    /// <summary>
    /// Context of <see cref="FieldName"/>, worked out once per key rather than once per value (None when there is no
    /// key, which lets the scanner decide).
    /// </summary>
    private ContextHints FieldHints(int depth)
    {
        if (depth < 0)
        {
            return ContextHints.None;
        }

        var hints = _keyHints[depth];
        if (hints == ContextHints.None)
        {
            hints = TextScanner.HintsForFieldName(_keys.AsSpan(depth * MaxKeyBytes, _keyLength[depth]));
            _keyHints[depth] = hints;
        }

        return hints;
    }

    /// <summary>The depth of the nearest enclosing key, or -1.</summary>
    private int FieldDepth()
    {
        for (var d = Math.Min(_depth, _maxDepth) - 1; d >= 0; d--)
        {
            if (!_isArray[d] && _keyLength[d] > 0)
            {
                return d;
            }
        }

        return -1;
    }

    /// <summary>
    /// Handles structural bytes until a string or number needs another state (or the data ends). Between tokens
    /// the gap is usually zero bytes (<c>":"</c>, <c>","</c>), so the next byte is tested before the block search.
    /// </summary>
    private int Structure(ReadOnlySpan<byte> data, int i)
    {
        while (i < data.Length)
        {
            // The bytes between tokens of compact JSON, handled here rather than through StructuralByte's switch.
            var b = data[i];
            if (b == '"')
            {
                i = StartString(data, i);
                if (_state != State.Structure)
                {
                    return i;
                }

                continue;
            }

            if (b == ',')
            {
                Comma();
                _pos++;
                i++;
                continue;
            }

            if (b == ':')
            {
                _expectKey = false;
                _pos++;
                i++;
                continue;
            }

            if (!IsStructureStop[b])
            {
                var stop = _blocks.NextStop(data, i);
                if (stop < 0)
                {
                    _pos += data.Length - i;
                    return data.Length;
                }

                _pos += stop - i;
                i = stop;
            }

            i = StructuralByte(data, i);
            if (_state != State.Structure)
            {
                return i;
            }
        }

        return i;
    }

    private void Comma()
    {
        if (_depth > 0 && _depth <= _maxDepth && _isArray[_depth - 1])
        {
            _index[_depth - 1]++;
        }
        else
        {
            _expectKey = true;
        }
    }

    private int StructuralByte(ReadOnlySpan<byte> data, int i)
    {
        var b = data[i];
        switch (b)
        {
            case (byte)'{':
                Push(isArray: false);
                _expectKey = true;
                break;
            case (byte)'[':
                Push(isArray: true);
                _expectKey = false;
                break;
            case (byte)'}' or (byte)']':
                if (_depth > 0)
                {
                    _depth--;
                }

                _expectKey = false;
                break;
            case (byte)',':
                Comma();
                break;
            case (byte)':':
                _expectKey = false;
                break;
            case (byte)'"':
                return StartString(data, i);
            default:
                // '-' or a digit: a number value.
                var numberEnd = _blocks.NextNotNumber(data, i);
                if (numberEnd >= 0)
                {
                    // Counts, durations, small decimals: fewer than 7 characters in fewer than 4 groups cannot be an
                    // identifier (TextScanner.QuickReject), so the number is not handed to the scanner at all.
                    var end = numberEnd - i;
                    if (end < 7)
                    {
                        _pos += end;
                        return i + end;
                    }

                    var d = FieldDepth();
                    var anchor = _blocks.NextAnchor(data, i, numberEnd);
                    _scanner.ScanWhole(_base + _pos, null, this, FieldName(d), data.Slice(i, end), anchor < 0 ? -1 : anchor - i, numericLiteral: true, FieldHints(d));
                    _pos += end;
                    return i + end;
                }

                var depth = FieldDepth();
                _scanner.BeginSegment(_base + _pos, null, this, FieldName(depth), FieldHints(depth));
                _scanner.MarkNumericLiteral();
                _segmentOpen = true;
                _state = State.Number;
                return i;
        }

        _pos++;
        return i + 1;
    }

    private int StartString(ReadOnlySpan<byte> data, int quote)
    {
        _pos++;
        var i = quote + 1;
        _stringIsKey = InObject && _expectKey;
        if (_stringIsKey)
        {
            var special = _blocks.NextSpecial(data, i);
            var end = special - i;
            if (special >= 0 && data[special] == '"')
            {
                // Whole key in this chunk, no escapes: straight into its slot.
                var n = Math.Min(end, MaxKeyBytes);
                data.Slice(i, n).CopyTo(_keys.AsSpan((_depth - 1) * MaxKeyBytes, MaxKeyBytes));
                _keyLength[_depth - 1] = n;
                _keyHints[_depth - 1] = ContextHints.None;
                _pos += end + 1;
                return i + end + 1;
            }

            _pendingKeyLength = 0;
            _state = State.String;
            return i;
        }

        var closing = _blocks.NextSpecial(data, i);
        var rel = closing - i;
        if (closing >= 0 && data[closing] == '"')
        {
            // Whole value in this chunk, no escapes: scan it in place, unless it is too short to hold anything.
            if (TextScanner.TooShortForPii(data.Slice(i, rel)))
            {
                _pos += rel + 1;
                return i + rel + 1;
            }

            var d = FieldDepth();
            var anchor = _blocks.NextAnchor(data, i, closing);
            _scanner.ScanWhole(_base + _pos, null, this, FieldName(d), data.Slice(i, rel), anchor < 0 ? -1 : anchor - i, fieldHints: FieldHints(d));
            _pos += rel + 1;
            return i + rel + 1;
        }

        var depth = FieldDepth();
        _scanner.BeginSegment(_base + _pos, null, this, FieldName(depth), FieldHints(depth));
        _segmentOpen = true;
        _state = State.String;
        return i;
    }

    private int StringRun(ReadOnlySpan<byte> data, int i)
    {
        var special = _blocks.NextSpecial(data, i);
        var rel = special < 0 ? -1 : special - i;
        var run = rel < 0 ? data[i..] : data.Slice(i, rel);
        Output(run);
        i += run.Length;
        if (rel < 0)
        {
            return i;
        }

        if (data[i] == '\\')
        {
            _state = State.Escape;
            return i + 1;
        }

        FlushSurrogate();
        _pos++;
        EndString();
        _state = State.Structure;
        return i + 1;
    }

    private int NumberRun(ReadOnlySpan<byte> data, int i)
    {
        var numberEnd = _blocks.NextNotNumber(data, i);
        var rel = numberEnd < 0 ? -1 : numberEnd - i;
        var run = rel < 0 ? data[i..] : data.Slice(i, rel);
        _scanner.Write(run);
        _pos += run.Length;
        if (rel >= 0)
        {
            _scanner.EndSegment();
            _segmentOpen = false;
            _state = State.Structure;
        }

        return i + run.Length;
    }

    private void EndString()
    {
        if (_stringIsKey)
        {
            if (_depth > 0 && _depth <= _maxDepth)
            {
                var slot = _keys.AsSpan((_depth - 1) * MaxKeyBytes, MaxKeyBytes);
                _pendingKey.AsSpan(0, _pendingKeyLength).CopyTo(slot);
                _keyLength[_depth - 1] = _pendingKeyLength;
                _keyHints[_depth - 1] = ContextHints.None;
            }
        }
        else if (_segmentOpen)
        {
            _scanner.EndSegment();
            _segmentOpen = false;
        }
    }

    private void Escape(byte b)
    {
        if (b == 'u')
        {
            _unicode = 0;
            _unicodeDigits = 0;
            _state = State.Unicode;
            return;
        }

        FlushSurrogate();
        byte decoded = b switch
        {
            (byte)'n' => (byte)'\n',
            (byte)'t' => (byte)'\t',
            (byte)'r' => (byte)'\r',
            (byte)'b' => 0x08,
            (byte)'f' => 0x0C,
            _ => b,
        };
        Output([decoded]);
        _state = State.String;
    }

    private void UnicodeDigit(byte b)
    {
        var v = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        if (v < 0)
        {
            // Malformed escape: drop it and carry on with the string.
            _state = State.String;
            return;
        }

        _unicode = (_unicode << 4) | v;
        if (++_unicodeDigits < 4)
        {
            return;
        }

        _state = State.String;
        var unit = _unicode;
        if (unit is >= 0xD800 and <= 0xDBFF)
        {
            FlushSurrogate();
            _highSurrogate = unit;
            return;
        }

        int codePoint;
        if (unit is >= 0xDC00 and <= 0xDFFF)
        {
            codePoint = _highSurrogate != 0 ? 0x10000 + ((_highSurrogate - 0xD800) << 10) + (unit - 0xDC00) : 0xFFFD;
            _highSurrogate = 0;
        }
        else
        {
            FlushSurrogate();
            codePoint = unit;
        }

        Span<byte> utf8 = stackalloc byte[4];
        var n = new Rune(codePoint).EncodeToUtf8(utf8);
        Output(utf8[..n]);
    }

    private void FlushSurrogate()
    {
        if (_highSurrogate != 0)
        {
            _highSurrogate = 0;
            Output("\uFFFD"u8);
        }
    }

    private void Output(ReadOnlySpan<byte> bytes)
    {
        if (_stringIsKey)
        {
            var n = Math.Min(bytes.Length, MaxKeyBytes - _pendingKeyLength);
            bytes[..n].CopyTo(_pendingKey.AsSpan(_pendingKeyLength));
            _pendingKeyLength += n;
        }
        else
        {
            _scanner.Write(bytes);
        }

        _pos += bytes.Length;
    }

    private static bool[] BuildStopTable()
    {
        var table = new bool[256];
        foreach (var b in "{}[],:\"-0123456789"u8)
        {
            table[b] = true;
        }

        return table;
    }

    private void Push(bool isArray)
    {
        if (_depth < _maxDepth)
        {
            _isArray[_depth] = isArray;
            _index[_depth] = 0;
            _keyLength[_depth] = 0;
            _keyHints[_depth] = ContextHints.None;
        }

        _depth++;
    }
}
