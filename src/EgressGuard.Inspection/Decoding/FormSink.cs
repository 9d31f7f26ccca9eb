using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// application/x-www-form-urlencoded (bodies and query strings): percent escapes and '+' decoded, names and values
/// in the declared charset (GBK, GB18030…) transcoded to UTF-8, each value one segment with its name as context.
/// Offsets are positions in the decoded form text.
/// </summary>
internal sealed class FormSink : ByteSink, ILocationSource
{
    private const int MaxNameBytes = 64;
    private static readonly SearchValues<byte> Specials = SearchValues.Create("%+&="u8);
    private static readonly sbyte[] HexDigits = BuildHexDigits();

    private readonly TextScanner _scanner;
    private readonly long _base;
    private readonly string _prefix;
    private readonly Encoding? _charset;
    private readonly Utf8Transcoder? _transcoder;
    private readonly ScannerForward _forward;
    private readonly byte[] _rawName = new byte[MaxNameBytes];
    private readonly byte[] _name = new byte[MaxNameBytes * 3];
    private readonly byte[] _pending = new byte[256];
    private int _pendingLength;
    private int _rawNameLength;
    private int _nameLength;
    private bool _inValue;
    private int _percent;
    private int _percentHigh;
    private long _pos;
    private string? _location;

    public FormSink(TextScanner scanner, long baseOffset, string prefix, Encoding? charset)
    {
        _scanner = scanner;
        _base = baseOffset;
        _prefix = prefix;
        _charset = charset is null || charset.CodePage == Encoding.UTF8.CodePage ? null : charset;
        _transcoder = _charset is null ? null : new Utf8Transcoder(_charset);
        _forward = new ScannerForward(this);
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_percent == 0)
            {
                // Escapes and '+' come back to back in encoded text: test the next byte before the vectorised search.
                var rel = Specials.Contains(data[i]) ? 0 : data[i..].IndexOfAny(Specials);
                var run = rel < 0 ? data[i..] : data.Slice(i, rel);
                Emit(run);
                i += run.Length;
                if (rel < 0)
                {
                    break;
                }

                var b = data[i++];
                switch (b)
                {
                    case (byte)'%':
                        // A whole escape in this chunk (the usual case) is decoded here; a split one by the state machine.
                        if (i + 1 < data.Length && HexValue(data[i]) is var high and >= 0 && HexValue(data[i + 1]) is var low and >= 0)
                        {
                            if (_inValue)
                            {
                                i = DecodeEscapeRun(data, i + 2, (byte)((high << 4) | low));
                                break;
                            }

                            EmitByte((byte)((high << 4) | low));
                            i += 2;

                            // Percent-encoded UTF-8 comes in runs (%E5%BC%A0…): decode the run without going round the loop.
                            while (i + 2 < data.Length && data[i] == '%')
                            {
                                var h1 = HexValue(data[i + 1]);
                                var h2 = HexValue(data[i + 2]);
                                if ((h1 | h2) < 0)
                                {
                                    break;
                                }

                                EmitByte((byte)((h1 << 4) | h2));
                                i += 3;
                            }
                        }
                        else
                        {
                            _percent = 1;
                        }

                        break;
                    case (byte)'+':
                        EmitByte((byte)' ');
                        break;
                    case (byte)'&':
                        EndPair();
                        _pos++;
                        break;
                    default:
                        if (_inValue)
                        {
                            Emit("="u8);
                        }
                        else
                        {
                            StartValue();
                        }

                        break;
                }

                continue;
            }

            var h = HexValue(data[i]);
            if (h < 0)
            {
                // Not an escape: keep the '%' literally and look at this byte again.
                _percent = 0;
                Emit("%"u8);
                continue;
            }

            i++;
            if (_percent == 1)
            {
                _percentHigh = h;
                _percent = 2;
            }
            else
            {
                _percent = 0;
                Emit([(byte)((_percentHigh << 4) | h)]);
            }
        }

        if (_inValue)
        {
            FlushPending();
        }
    }

    public override void Complete()
    {
        _percent = 0;
        EndPair();
    }

    public override void Dispose() => _transcoder?.Dispose();

    public string DescribeLocation() => _location ??= _prefix + ":" + Encoding.UTF8.GetString(_name, 0, _nameLength);

    // A table rather than range tests: in percent-encoded UTF-8 (%E5%BC%A0) digits and letters alternate at random,
    // which defeats branch prediction.
    private static int HexValue(byte b) => HexDigits[b];

    private static sbyte[] BuildHexDigits()
    {
        var table = new sbyte[256];
        for (var b = 0; b < table.Length; b++)
        {
            table[b] = b switch
            {
                >= '0' and <= '9' => (sbyte)(b - '0'),
                >= 'a' and <= 'f' => (sbyte)(b - 'a' + 10),
                >= 'A' and <= 'F' => (sbyte)(b - 'A' + 10),
                _ => -1,
            };
        }

        return table;
    }

    /// <summary>
    /// Inside a value: <paramref name="first"/> (an escape already decoded) and the run of whole <c>%XX</c> escapes from
    /// <paramref name="i"/> go straight into the pending batch — the same bytes, in the same batches, as
    /// <see cref="EmitByte"/> one at a time, without its per-byte checks. Returns the index after the run.
    /// </summary>
    private int DecodeEscapeRun(ReadOnlySpan<byte> data, int i, byte first)
    {
        var pending = _pending;
        var hex = HexDigits;
        var n = _pendingLength;
        if (n == pending.Length)
        {
            FlushPending();
            n = 0;
        }

        pending[n++] = first;

        // Five escapes (15 bytes) at a time while they are all whole and valid and the batch has room for an 8-byte
        // store; the scalar loop below takes the rest, so batches and bytes are exactly the scalar loop's.
        if (Vector128.IsHardwareAccelerated)
        {
            while (i + 16 <= data.Length && n + 8 <= pending.Length
                && TryDecodeFiveEscapes(Vector128.Create(data.Slice(i, 16)), out var decoded))
            {
                Unsafe.WriteUnaligned(ref pending[n], decoded);
                n += 5;
                i += 15;
            }
        }

        while (i + 2 < data.Length && data[i] == '%')
        {
            int h1 = hex[data[i + 1]];
            int h2 = hex[data[i + 2]];
            if ((h1 | h2) < 0)
            {
                break;
            }

            if (n == pending.Length)
            {
                _pendingLength = n;
                FlushPending();
                n = 0;
            }

            pending[n++] = (byte)((h1 << 4) | h2);
            i += 3;
        }

        _pendingLength = n;
        return i;
    }

    /// <summary>
    /// Decodes <c>%XX%XX%XX%XX%XX</c> at the start of <paramref name="v"/> into the low five bytes of
    /// <paramref name="decoded"/>; false (nothing decoded) unless all five are '%' followed by two hex digits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDecodeFiveEscapes(Vector128<byte> v, out ulong decoded)
    {
        // Bits 0, 3, 6, 9, 12 must be '%'; bits 1-2, 4-5, 7-8, 10-11, 13-14 hex digits.
        const uint PercentBits = 0x1249;
        const uint HexBits = 0x6DB6;
        var percent = Vector128.Equals(v, Vector128.Create((byte)'%')).ExtractMostSignificantBits();
        var digit = Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        var letter = Vector128.LessThan((v | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)6));
        var hex = (digit | letter).ExtractMostSignificantBits();
        if ((percent & PercentBits) != PercentBits || (hex & HexBits) != HexBits)
        {
            decoded = 0;
            return false;
        }

        // '0'-'9' → low nibble; 'A'-'F' / 'a'-'f' (bit 6 set) → low nibble + 9.
        var isLetter = Vector128.Equals(v & Vector128.Create((byte)0x40), Vector128.Create((byte)0x40));
        var nibble = (v & Vector128.Create((byte)0x0F)) + (isLetter & Vector128.Create((byte)9));
        var high = Vector128.Shuffle(nibble, Vector128.Create((byte)1, 4, 7, 10, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        var low = Vector128.Shuffle(nibble, Vector128.Create((byte)2, 5, 8, 11, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        decoded = (Vector128.ShiftLeft(high, 4) | low).AsUInt64().ToScalar();
        return true;
    }

    /// <summary>The same as <see cref="Emit"/> with one byte, without the span.</summary>
    private void EmitByte(byte b)
    {
        if (_inValue)
        {
            if (_pendingLength == _pending.Length)
            {
                FlushPending();
            }

            _pending[_pendingLength++] = b;
            return;
        }

        Emit([b]);
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        if (!_inValue)
        {
            var n = Math.Min(bytes.Length, MaxNameBytes - _rawNameLength);
            bytes[..n].CopyTo(_rawName.AsSpan(_rawNameLength));
            _rawNameLength += n;
            return;
        }

        // Decoded bytes arrive one escape at a time: batch them so the scanner sees runs, not single bytes.
        if (_pendingLength + bytes.Length > _pending.Length)
        {
            FlushPending();
            if (bytes.Length > _pending.Length)
            {
                Forward(bytes);
                return;
            }
        }

        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }

    private void FlushPending()
    {
        if (_pendingLength > 0)
        {
            var n = _pendingLength;
            _pendingLength = 0;
            Forward(_pending.AsSpan(0, n));
        }
    }

    private void Forward(ReadOnlySpan<byte> bytes)
    {
        if (_transcoder is null)
        {
            _forward.Write(bytes);
        }
        else
        {
            _transcoder.Transcode(bytes, flush: false, _forward);
        }
    }

    private void StartValue()
    {
        _inValue = true;
        _nameLength = _charset is null
            ? CopyName(_rawName.AsSpan(0, _rawNameLength))
            : TranscodeName(_rawName.AsSpan(0, _rawNameLength));
        _location = null;
        _pos += _rawNameLength + 1;
        _scanner.BeginSegment(_base + _pos, null, this, _name.AsMemory(0, _nameLength));
    }

    private int CopyName(ReadOnlySpan<byte> raw)
    {
        raw.CopyTo(_name);
        return raw.Length;
    }

    private int TranscodeName(ReadOnlySpan<byte> raw)
    {
        Span<char> chars = stackalloc char[MaxNameBytes];
        var count = _charset!.GetChars(raw, chars);
        return Encoding.UTF8.GetBytes(chars[..count], _name);
    }

    private void EndPair()
    {
        if (_inValue)
        {
            FlushPending();
            _transcoder?.Transcode([], flush: true, _forward);
            _scanner.EndSegment();
        }
        else if (_rawNameLength > 0)
        {
            // A bare name (no '='): scan it as a value without field context.
            _scanner.BeginSegment(_base + _pos, _prefix, null, default);
            _scanner.Write(_rawName.AsSpan(0, _rawNameLength));
            _scanner.EndSegment();
            _pos += _rawNameLength;
        }

        _inValue = false;
        _rawNameLength = 0;
        _nameLength = 0;
    }

    /// <summary>Where decoded value bytes go: the scanner, counting decoded positions.</summary>
    private sealed class ScannerForward : ByteSink
    {
        private readonly FormSink _owner;

        public ScannerForward(FormSink owner)
        {
            _owner = owner;
        }

        public override void Write(ReadOnlySpan<byte> data)
        {
            _owner._scanner.Write(data);
            _owner._pos += data.Length;
        }

        public override void Complete()
        {
        }
    }
}
