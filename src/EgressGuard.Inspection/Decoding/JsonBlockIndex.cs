using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// Byte classes of the JSON text being read, one 64-byte block at a time, as bitmasks (bit k = byte k of the block):
/// string specials (<c>"</c>, <c>\</c>), structural stops, bytes that end a number, and scanner anchors (digits,
/// <c>@</c>, <c>:</c>, 0xEF). A token boundary is then a shift and a trailing-zero count instead of a vectorised
/// search call per token: a telemetry record has ~30 tokens in ~300 bytes, most shorter than the setup cost of a
/// <c>SearchValues</c> search. Each block is classified once, with four compares per byte in vector registers.
/// </summary>
/// <remarks>
/// Every <c>Next…</c> method returns exactly what the span search it replaces returns (the first position at or after
/// <c>i</c> in the class, or -1), so the reader's behaviour does not change. The masks describe one span: call
/// <see cref="Reset"/> before reading another.
/// </remarks>
internal struct JsonBlockIndex
{
    private int _block;
    private ulong _special;
    private ulong _stop;
    private ulong _notNumber;
    private ulong _anchor;

    /// <summary>Forgets the cached block (a new span is being read).</summary>
    public void Reset() => _block = -1;

    /// <summary>
    /// First set bit of <paramref name="mask"/> (one of this index's four masks, re-read after each
    /// block load) at or after <paramref name="i"/> and before <paramref name="end"/>, or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Next(ReadOnlySpan<byte> data, int i, int end, ref ulong mask)
    {
        while (i < end)
        {
            var block = Load(data, i);
            var m = mask >> (i & 63);
            if (m != 0)
            {
                var p = i + BitOperations.TrailingZeroCount(m);
                return p < end ? p : -1;
            }

            i = (block + 1) << 6;
        }

        return -1;
    }

    /// <summary>First <c>"</c> or <c>\</c> at or after <paramref name="i"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextSpecial(ReadOnlySpan<byte> data, int i) => Next(data, i, data.Length, ref _special);

    /// <summary>First structural stop (<c>{}[],:"-</c> or a digit) at or after <paramref name="i"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextStop(ReadOnlySpan<byte> data, int i) => Next(data, i, data.Length, ref _stop);

    /// <summary>First byte that is not a number character (<c>0-9+-.eE</c>) at or after <paramref name="i"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextNotNumber(ReadOnlySpan<byte> data, int i) => Next(data, i, data.Length, ref _notNumber);

    /// <summary>First scanner anchor (digit, <c>@</c>, <c>:</c>, 0xEF) in [<paramref name="i"/>, <paramref name="end"/>), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextAnchor(ReadOnlySpan<byte> data, int i, int end) => Next(data, i, end, ref _anchor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Load(ReadOnlySpan<byte> data, int i)
    {
        var block = i >> 6;
        if (block != _block)
        {
            Classify(data, block);
        }

        return block;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Classify(ReadOnlySpan<byte> data, int block)
    {
        _block = block;
        var start = block << 6;
        var bytes = data[start..];
        if (bytes.Length < 64)
        {
            ClassifyPartial(bytes);
            return;
        }

        ClassifyFull(bytes[..64]);
    }

    /// <summary>
    /// The last, partial block, padded with zeros, which belong to no class except "not a number" (callers discard
    /// positions past the end of the data). Kept apart so the common path has no stack buffer to set up.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ClassifyPartial(ReadOnlySpan<byte> bytes)
    {
        Span<byte> padded = stackalloc byte[64];
        padded.Clear();
        bytes.CopyTo(padded);
        ClassifyFull(padded);
    }

    /// <remarks><paramref name="block"/> is exactly 64 bytes long (the loads below rely on it).</remarks>
    private void ClassifyFull(ReadOnlySpan<byte> block)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(block));
            var digit = Vector512.LessThan(v - Vector512.Create((byte)'0'), Vector512.Create((byte)10));
            var quote = Vector512.Equals(v, Vector512.Create((byte)'"'));
            var colon = Vector512.Equals(v, Vector512.Create((byte)':'));
            var minus = Vector512.Equals(v, Vector512.Create((byte)'-'));
            var folded = v & Vector512.Create((byte)0xDF);
            var bracket = Vector512.Equals(folded, Vector512.Create((byte)'[')) | Vector512.Equals(folded, Vector512.Create((byte)']'));
            _special = (quote | Vector512.Equals(v, Vector512.Create((byte)'\\'))).ExtractMostSignificantBits();
            _stop = (digit | quote | colon | minus | bracket | Vector512.Equals(v, Vector512.Create((byte)','))).ExtractMostSignificantBits();
            _notNumber = ~(digit | minus | Vector512.Equals(v, Vector512.Create((byte)'+')) | Vector512.Equals(v, Vector512.Create((byte)'.'))
                | Vector512.Equals(v | Vector512.Create((byte)0x20), Vector512.Create((byte)'e'))).ExtractMostSignificantBits();
            _anchor = (digit | colon | Vector512.Equals(v, Vector512.Create((byte)'@')) | Vector512.Equals(v, Vector512.Create((byte)0xEF)))
                .ExtractMostSignificantBits();
            return;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(block);
            Classify256(Vector256.LoadUnsafe(ref first), out var special, out var stop, out var number, out var anchor);
            Classify256(Vector256.LoadUnsafe(ref first, 32), out var special2, out var stop2, out var number2, out var anchor2);
            _special = special | ((ulong)special2 << 32);
            _stop = stop | ((ulong)stop2 << 32);
            _notNumber = ~(number | ((ulong)number2 << 32));
            _anchor = anchor | ((ulong)anchor2 << 32);
            return;
        }

        ulong sp = 0, st = 0, nu = 0, an = 0;
        for (var k = 0; k < 64; k += 16)
        {
            Classify128(Vector128.Create(block.Slice(k, 16)), out var s, out var t, out var n, out var a);
            sp |= (ulong)s << k;
            st |= (ulong)t << k;
            nu |= (ulong)n << k;
            an |= (ulong)a << k;
        }

        _special = sp;
        _stop = st;
        _notNumber = ~nu;
        _anchor = an;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify256(Vector256<byte> v, out uint special, out uint stop, out uint number, out uint anchor)
    {
        var digit = Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
        var quote = Vector256.Equals(v, Vector256.Create((byte)'"'));
        var colon = Vector256.Equals(v, Vector256.Create((byte)':'));
        var minus = Vector256.Equals(v, Vector256.Create((byte)'-'));
        var specials = quote | Vector256.Equals(v, Vector256.Create((byte)'\\'));

        // '{' '}' are '[' ']' with bit 0x20 set, and no other byte folds onto 0x5B or 0x5D when it is cleared.
        var folded = v & Vector256.Create((byte)0xDF);
        var bracket = Vector256.Equals(folded, Vector256.Create((byte)'[')) | Vector256.Equals(folded, Vector256.Create((byte)']'));
        var stops = digit | quote | colon | minus | bracket | Vector256.Equals(v, Vector256.Create((byte)','));

        // 'E' | 0x20 is 'e', and nothing else folds onto 'e'.
        var numberChars = digit | minus | Vector256.Equals(v, Vector256.Create((byte)'+')) | Vector256.Equals(v, Vector256.Create((byte)'.'))
            | Vector256.Equals(v | Vector256.Create((byte)0x20), Vector256.Create((byte)'e'));
        var anchors = digit | colon | Vector256.Equals(v, Vector256.Create((byte)'@')) | Vector256.Equals(v, Vector256.Create((byte)0xEF));
        special = specials.ExtractMostSignificantBits();
        stop = stops.ExtractMostSignificantBits();
        number = numberChars.ExtractMostSignificantBits();
        anchor = anchors.ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify128(Vector128<byte> v, out uint special, out uint stop, out uint number, out uint anchor)
    {
        var digit = Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        var quote = Vector128.Equals(v, Vector128.Create((byte)'"'));
        var colon = Vector128.Equals(v, Vector128.Create((byte)':'));
        var minus = Vector128.Equals(v, Vector128.Create((byte)'-'));
        var specials = quote | Vector128.Equals(v, Vector128.Create((byte)'\\'));
        var folded = v & Vector128.Create((byte)0xDF);
        var bracket = Vector128.Equals(folded, Vector128.Create((byte)'[')) | Vector128.Equals(folded, Vector128.Create((byte)']'));
        var stops = digit | quote | colon | minus | bracket | Vector128.Equals(v, Vector128.Create((byte)','));
        var numberChars = digit | minus | Vector128.Equals(v, Vector128.Create((byte)'+')) | Vector128.Equals(v, Vector128.Create((byte)'.'))
            | Vector128.Equals(v | Vector128.Create((byte)0x20), Vector128.Create((byte)'e'));
        var anchors = digit | colon | Vector128.Equals(v, Vector128.Create((byte)'@')) | Vector128.Equals(v, Vector128.Create((byte)0xEF));
        special = specials.ExtractMostSignificantBits();
        stop = stops.ExtractMostSignificantBits();
        number = numberChars.ExtractMostSignificantBits();
        anchor = anchors.ExtractMostSignificantBits();
    }
}
