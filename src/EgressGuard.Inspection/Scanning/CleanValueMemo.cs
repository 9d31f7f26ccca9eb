using System.Buffers.Binary;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Complete values (a JSON string, a header) that were scanned and gave nothing, remembered byte for byte so an
/// identical value in the same context is passed over. Telemetry repeats such values in every record — the user agent,
/// an SDK or OS string — and each costs a candidate analysis per digit group; remembering them turns that into one
/// hash of 16 bytes and one vectorised compare.
/// </summary>
/// <remarks>
/// <para>
/// Exact by construction: scanning a complete value (<see cref="TextScanner.ScanWhole(long, string?, ILocationSource?, ReadOnlyMemory{byte}, ReadOnlySpan{byte}, int, bool, ContextHints)"/>)
/// is a pure function of its bytes, its context (field hints, whether there is a field name, whether it is a number
/// literal), the enabled types and the date used for birth-date checks; the memo is keyed by all of them, and a
/// value is only remembered when its scan added and dropped no finding. A hit therefore means "the scan would find
/// nothing", never a guess. Hostile input cannot poison it: a hit needs the exact bytes that were scanned clean.
/// </para>
/// <para>
/// One per thread (like <see cref="FieldHintCache"/>), fetched at every use and never held by a scan, because a
/// stream's writes may run on different threads: no sharing, no lock, no per-request allocation. 64 slots of 40 to
/// 240 bytes (about 16 KB per scanning thread); a slot whose value keeps repeating is not evicted by one-off values.
/// </para>
/// </remarks>
internal sealed class CleanValueMemo
{
    /// <summary>
    /// Shorter values rarely pay for the lookup: ids, cards, e-mails and addresses (16–40 bytes) are unique per record
    /// or hold PI, so the lookup would never hit (measured: +4 % instructions on dense-PI JSON with a 16-byte minimum).
    /// </summary>
    public const int MinBytes = 40;

    /// <summary>Longer values are scanned every time.</summary>
    public const int MaxBytes = 240;

    private const int Slots = 64;
    private const byte MaxHits = 8;

    [ThreadStatic]
    private static CleanValueMemo? _current;

    private readonly byte[] _values = new byte[Slots * MaxBytes];
    private readonly int[] _lengths = new int[Slots];
    private readonly int[] _contexts = new int[Slots];
    private readonly byte[] _hits = new byte[Slots];
    private bool[]? _enabled;
    private DateOnly _today;

    /// <summary>This thread's memo for scans with these enabled types and this date (emptied when they change).</summary>
    public static CleanValueMemo For(bool[] enabled, DateOnly today)
    {
        var memo = _current ??= new CleanValueMemo();
        if (!ReferenceEquals(memo._enabled, enabled) || memo._today != today)
        {
            Array.Clear(memo._lengths);
            Array.Clear(memo._hits);
            memo._enabled = enabled;
            memo._today = today;
        }

        return memo;
    }

    /// <summary>The slot of a value of <see cref="MinBytes"/>..<see cref="MaxBytes"/> bytes in a context.</summary>
    public static int Slot(ReadOnlySpan<byte> value, int context)
    {
        var head = BinaryPrimitives.ReadUInt64LittleEndian(value);
        var tail = BinaryPrimitives.ReadUInt64LittleEndian(value[^8..]);
        var h = (head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (uint)value.Length ^ ((ulong)(uint)context << 32);
        return (int)((h * 0x9E3779B97F4A7C15UL) >> 58);
    }

    /// <summary>True when exactly this value was scanned clean in exactly this context.</summary>
    public bool IsKnownClean(ReadOnlySpan<byte> value, int context, int slot)
    {
        if (_lengths[slot] != value.Length || _contexts[slot] != context
            || !value.SequenceEqual(_values.AsSpan(slot * MaxBytes, value.Length)))
        {
            return false;
        }

        if (_hits[slot] < MaxHits)
        {
            _hits[slot]++;
        }

        return true;
    }

    /// <summary>Records a value whose scan found nothing (unless its slot holds a value that keeps repeating).</summary>
    public void RememberClean(ReadOnlySpan<byte> value, int context, int slot)
    {
        if (_hits[slot] > 0)
        {
            _hits[slot]--;
            return;
        }

        value.CopyTo(_values.AsSpan(slot * MaxBytes, MaxBytes));
        _lengths[slot] = value.Length;
        _contexts[slot] = context;
    }
}
