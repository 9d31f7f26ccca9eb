using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using EgressGuard.Inspection.Detectors;
using EgressGuard.Inspection.Validators;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Finds PII in UTF-8 text that arrives in pieces. Text is grouped into segments (a whole body, one JSON string,
/// one form value…); within a segment a value split across writes is found once. Memory is one pooled window:
/// bytes are scanned in place when possible and only a short tail (a possible token plus its lookback context)
/// is carried to the next write.
/// </summary>
/// <remarks>
/// The hot loop is a vectorised <see cref="SearchValues{T}"/> skip to the next digit, '@', ':' or 0xEF
/// (fullwidth forms); everything else is passed over without a per-byte branch.
/// </remarks>
internal sealed class TextScanner : IDisposable
{
    private const int MaxWordChars = 40;
    private const int MaxCompoundChars = 64;
    private const int MaxGroups = 10;
    private const int MaxCompoundBytes = 256;

    // A token that starts before (end - Margin) always ends inside the data: the longest (an e-mail) is < 330 bytes.
    private const int Margin = 512;

    // Bytes kept before the next scan position: e-mail local part (≤ 64) and keyword lookback.
    private const int ContextBack = 128;
    private const int LookbackBytes = 40;
    private const int WindowBytes = 8192;

    // Digits start every numeric id, '@' e-mail, ':' IPv6/MAC/labels, 0xEF fullwidth digits and the fullwidth colon.
    private static readonly SearchValues<byte> Anchors = SearchValues.Create([.. "0123456789@:"u8, 0xEF]);
    private static readonly SearchValues<byte> AsciiAlnum = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly PiiKind[] DetectorOrder =
    [
        PiiKind.ResidentId, PiiKind.Uscc, PiiKind.Imei, PiiKind.BankCard, PiiKind.Iban, PiiKind.Mobile, PiiKind.UsSsn, PiiKind.Landline,
        PiiKind.HkId, PiiKind.TwId, PiiKind.MoId, PiiKind.Passport, PiiKind.TravelPermit, PiiKind.MacAddress, PiiKind.IpAddress,
    ];

    // Detectors that can accept a candidate of a given character count (IPv4 is tried whenever there are 4+ groups).
    private static readonly PiiKind[][] DetectorsByLength = BuildDetectorsByLength(withIpv4: false);

    // The same with IPv4 added, for runs of 4+ groups: every other detector rejects a length outside its range, and
    // the ones without a range (HK/MO/TW ids, passports, permits) take single groups only.
    private static readonly PiiKind[][] DetectorsByLengthWithIpv4 = BuildDetectorsByLength(withIpv4: true);

    // The characters of an e-mail local part (EmailDetector.IsLocal), for the vectorised probe in HandleWord.
    private static readonly SearchValues<byte> EmailLocalChars =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._%+-!$*^~|"u8);

    private readonly FindingCollector _collector;
    private readonly bool[] _enabled;
    private readonly DateOnly _today;
    private byte[]? _buffer;
    private int _length;
    private int _scanFrom;
    private long _bufferAbs;
    private long _segmentAbs;
    private long _segmentWritten;
    private long _emittedUpTo;
    private bool _skipRun;
    private bool _versionToken;
    private bool _numericLiteral;

    // Anchors Process handled since ScanWhole began a value: only values that cost several are worth remembering.
    private int _anchorsVisited;

    // Position of the next '@' in the data Process is scanning (int.MaxValue: none; -1: not looked up yet).
    private int _nextAt;
    private string? _location;
    private ILocationSource? _locationSource;
    private ReadOnlyMemory<byte> _fieldName;
    private ContextHints _fieldHints;

    public TextScanner(FindingCollector collector, bool[] enabled, DateOnly today)
    {
        _collector = collector;
        _enabled = enabled;
        _today = today;
        _buffer = ArrayPool<byte>.Shared.Rent(WindowBytes);
    }

    /// <summary>Starts a segment at <paramref name="absoluteStart"/> in the decoded document.</summary>
    /// <remarks>
    /// <paramref name="fieldHints"/> is the context of <paramref name="fieldName"/> when the caller already has it (from
    /// <see cref="HintsForFieldName"/>); None means it is worked out on first use.
    /// </remarks>
    public void BeginSegment(long absoluteStart, string? location, ILocationSource? locationSource, ReadOnlyMemory<byte> fieldName,
        ContextHints fieldHints = ContextHints.None)
    {
        _segmentAbs = absoluteStart;
        _bufferAbs = absoluteStart;
        _segmentWritten = 0;
        _length = 0;
        _scanFrom = 0;
        _skipRun = false;
        _location = location;
        _locationSource = locationSource;
        _fieldName = fieldName;
        _fieldHints = fieldHints;
        _numericLiteral = false;
        _emittedUpTo = Math.Min(_emittedUpTo, absoluteStart);
    }

    /// <summary>Marks the current segment as a JSON number literal (only checksum-validated or field-named types count).</summary>
    public void MarkNumericLiteral() => _numericLiteral = true;

    /// <summary>Bytes written to the current segment so far.</summary>
    public long SegmentWritten => _segmentWritten;

    /// <summary>Scans the next piece of the current segment.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        var buffer = _buffer!;
        var abs0 = _segmentAbs + _segmentWritten;
        var pos = 0;
        if (_length > 0)
        {
            var room = buffer.Length - _length;
            var take = Math.Min(room, data.Length);
            data[..take].CopyTo(buffer.AsSpan(_length));
            var dataStart = _length;
            _length += take;
            if (take == data.Length && _length < buffer.Length)
            {
                _segmentWritten += take;
                return;
            }

            var next = Process(buffer.AsSpan(0, _length), _scanFrom, final: false, _bufferAbs);
            var nextInData = next - dataStart;
            if (take == data.Length || nextInData < ContextBack)
            {
                Compact(next);
                _segmentWritten += take;
                if (take < data.Length)
                {
                    Write(data[take..]);
                }

                return;
            }

            _length = 0;
            pos = nextInData;
        }

        var end = Process(data, pos, final: false, abs0);
        var keepFrom = Math.Max(0, end - ContextBack);
        var tail = data[keepFrom..];
        tail.CopyTo(buffer);
        _length = tail.Length;
        _scanFrom = end - keepFrom;
        _bufferAbs = abs0 + keepFrom;
        _segmentWritten += data.Length;
    }

    /// <summary>Scans what is left of the segment and checks field-level context (names, addresses).</summary>
    public void EndSegment()
    {
        var data = _buffer.AsSpan(0, _length);
        Process(data, _scanFrom, final: true, _bufferAbs);
        if (_bufferAbs == _segmentAbs)
        {
            CheckFieldValue(data);
        }

        _length = 0;
        _scanFrom = 0;
        _skipRun = false;
    }

    /// <summary>
    /// Scans a complete segment held in one span, in place (the fast path for JSON strings and numbers that do not
    /// straddle a chunk): values with no candidate byte and no field context cost one vectorised search.
    /// </summary>
    public void ScanWhole(long absoluteStart, string? location, ILocationSource? locationSource, ReadOnlyMemory<byte> fieldName, ReadOnlySpan<byte> value,
        bool numericLiteral = false, ContextHints fieldHints = ContextHints.None) =>
        ScanWhole(absoluteStart, location, locationSource, fieldName, value, value.IndexOfAny(Anchors), numericLiteral, fieldHints);

    /// <summary>
    /// <see cref="ScanWhole(long, string?, ILocationSource?, ReadOnlyMemory{byte}, ReadOnlySpan{byte}, bool, ContextHints)"/>
    /// when the caller already knows where the first anchor (digit, '@', ':', 0xEF) of <paramref name="value"/> is
    /// (-1: none), as the JSON reader does from its byte-class masks.
    /// </summary>
    public void ScanWhole(long absoluteStart, string? location, ILocationSource? locationSource, ReadOnlyMemory<byte> fieldName, ReadOnlySpan<byte> value,
        int firstAnchor, bool numericLiteral = false, ContextHints fieldHints = ContextHints.None)
    {
        // No anchor: only a name or address field can still hold something (CheckFieldValue), and a field whose
        // known context says neither cannot.
        if (firstAnchor < 0
            && (fieldName.IsEmpty || (fieldHints != ContextHints.None && (fieldHints & (ContextHints.Name | ContextHints.Address)) == 0)
                || !MayBeNameOrAddress(value)))
        {
            return;
        }

        // A value repeated verbatim (user agents, SDK strings) that was already scanned clean in the same context is
        // passed over: the result would be the same (see CleanValueMemo).
        CleanValueMemo? memo = null;
        var context = 0;
        var slot = 0;
        long emitted = 0;
        if (value.Length is >= CleanValueMemo.MinBytes and <= CleanValueMemo.MaxBytes && (fieldName.IsEmpty || fieldHints != ContextHints.None))
        {
            context = (int)fieldHints | (fieldName.IsEmpty ? 1 << 29 : 0) | (numericLiteral ? 1 << 28 : 0);
            slot = CleanValueMemo.Slot(value, context);
            memo = CleanValueMemo.For(_enabled, _today);
            if (memo.IsKnownClean(value, context, slot))
            {
                return;
            }

            emitted = _collector.Count + _collector.Dropped;
        }

        BeginSegment(absoluteStart, location, locationSource, fieldName, fieldHints);
        _numericLiteral = numericLiteral;
        _anchorsVisited = 0;
        // Nothing before the first anchor can start a token: start there rather than search again.
        Process(value, Math.Max(firstAnchor, 0), final: true, absoluteStart);
        CheckFieldValue(value);
        _skipRun = false;
        if (memo is not null && _anchorsVisited >= 3 && _collector.Count + _collector.Dropped == emitted)
        {
            memo.RememberClean(value, context, slot);
        }
    }

    /// <summary>
    /// A complete value of fewer than 7 bytes with only ASCII letters, digits and '-', '.', '_', '/', ',' cannot hold
    /// anything: identifiers need 7 characters or 4 groups (see <see cref="QuickReject"/>), e-mail needs '@',
    /// IPv6 and labels ':', names and addresses a Han character or a space, plates a province character.
    /// </summary>
    public static bool TooShortForPii(ReadOnlySpan<byte> value)
    {
        if (value.Length >= 7)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (!CharFold.IsAlnum(b) && b is not ((byte)'-' or (byte)'.' or (byte)'_' or (byte)'/' or (byte)','))
            {
                return false;
            }
        }

        return true;
    }

    private void CheckFieldValue(ReadOnlySpan<byte> data)
    {
        if (data.Length is > 0 and <= 600 && !_fieldName.IsEmpty && (FieldHints & (ContextHints.Name | ContextHints.Address)) != 0
            && MayBeNameOrAddress(data))
        {
            var hints = FieldHints;
            if ((hints & ContextHints.Name) != 0 && _enabled[(int)PiiKind.PersonName]
                && PersonNameDetector.TryMatchValue(data, out var s, out var n, out var confidence))
            {
                EmitValue(PiiKind.PersonName, data.Slice(s, n), _segmentAbs + s, n, confidence);
            }
            else if ((hints & ContextHints.Address) != 0 && _enabled[(int)PiiKind.Address]
                && AddressDetector.TryMatchValue(data, out s, out n, out confidence))
            {
                EmitValue(PiiKind.Address, data.Slice(s, n), _segmentAbs + s, n, confidence);
            }
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ContextHints FieldHints
    {
        get
        {
            if (_fieldHints == ContextHints.None)
            {
                _fieldHints = CachedFieldHints(_fieldName.Span);
            }

            return _fieldHints;
        }
    }

    /// <summary>The context a field name gives its values (never None: <see cref="ContextHints.Computed"/> is set).</summary>
    public static ContextHints HintsForFieldName(ReadOnlySpan<byte> name) => CachedFieldHints(name);

    /// <summary>Field names repeat (every record of a JSON array has the same keys): keyword analysis is cached per name.</summary>
    private static ContextHints CachedFieldHints(ReadOnlySpan<byte> name) => FieldHintCache.For(name);

    private static bool MayBeNameOrAddress(ReadOnlySpan<byte> data) =>
        data.IndexOfAnyInRange((byte)0xE4, (byte)0xE9) >= 0 || data.IndexOf((byte)' ') >= 0;

    private void Compact(int next)
    {
        var keepFrom = Math.Max(0, Math.Min(next, _length) - ContextBack);
        var buffer = _buffer!;
        buffer.AsSpan(keepFrom, _length - keepFrom).CopyTo(buffer);
        _length -= keepFrom;
        _bufferAbs += keepFrom;
        _scanFrom = next - keepFrom;
    }

    /// <summary>Scans anchors in [scanFrom, end - Margin) (or to the end when final); returns where to resume.</summary>
    /// <remarks>Fully optimised from the first call: it runs once per body, so tiering would leave it in OSR code.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Process(ReadOnlySpan<byte> data, int scanFrom, bool final, long absBase)
    {
        var safeEnd = final ? data.Length : data.Length - Margin;
        var i = scanFrom;
        _nextAt = -1;
        if (_skipRun)
        {
            var rel = data[i..].IndexOfAnyExcept(AsciiAlnum);
            if (rel < 0)
            {
                if (!final)
                {
                    return data.Length;
                }

                return data.Length;
            }

            _skipRun = false;
            i += rel;
        }

        while (i < safeEnd)
        {
            var rel = data[i..safeEnd].IndexOfAny(Anchors);
            if (rel < 0)
            {
                i = safeEnd;
                break;
            }

            i += rel;
            _anchorsVisited++;
            var next = HandleAnchor(data, i, final, absBase);
            if (next < 0)
            {
                // Deferred until more data arrives; at the end of data there is nothing to wait for.
                if (!final)
                {
                    return ~next;
                }

                next = i + 1;
            }

            // Forward progress is what keeps the scan linear; a handler that does not advance is a bug, not a hang.
            i = Math.Max(next, i + 1);
        }

        return Math.Max(i, scanFrom);
    }

    private int HandleAnchor(ReadOnlySpan<byte> data, int i, bool final, long absBase)
    {
        var b = data[i];
        if (b == '@')
        {
            return HandleEmail(data, i, final, absBase);
        }

        if (b == ':')
        {
            return HandleColon(data, i, 1, final, absBase);
        }

        if (b == 0xEF)
        {
            var n = CharFold.Read(data, i, out var c);
            if (n < 0)
            {
                return final ? i + 1 : ~i;
            }

            if (n == 3 && CharFold.IsDigit(c))
            {
                return HandleWord(data, i, final, absBase);
            }

            if (n == 3 && c == ':')
            {
                return HandleColon(data, i, 3, final, absBase);
            }

            return i + 1;
        }

        return HandleWord(data, i, final, absBase);
    }

    // EmailDetector writes normalized[..n] and reports n as the match's NormalizedLength, which is all Emit reads.
    [SkipLocalsInit]
    private int HandleEmail(ReadOnlySpan<byte> data, int at, bool final, long absBase)
    {
        if (!_enabled[(int)PiiKind.Email])
        {
            return at + 1;
        }

        Span<byte> normalized = stackalloc byte[400];
        var outcome = EmailDetector.TryMatch(data, at, final, normalized, out var match, out var start, out var end);
        if (outcome == EmailDetector.Outcome.NeedMoreData)
        {
            return ~at;
        }

        if (outcome == EmailDetector.Outcome.Match)
        {
            Emit(match, normalized, absBase + start, end - start);
            return end;
        }

        return at + 1;
    }

    private int HandleColon(ReadOnlySpan<byte> data, int i, int width, bool final, long absBase)
    {
        if (width == 1)
        {
            var run = TryHexColonRun(data, i, final, absBase);
            if (run != 0)
            {
                return run;
            }
        }

        // Label "姓名：" / "地址:" just before the colon (an optional space between).
        var labelEnd = i;
        if (labelEnd > 0 && data[labelEnd - 1] == ' ')
        {
            labelEnd--;
        }

        if (labelEnd < 6 || data[labelEnd - 1] < 0x80)
        {
            return i + width;
        }

        var label = LabelKind(data[Math.Max(0, labelEnd - 12)..labelEnd]);
        if (label == ContextHints.None)
        {
            return i + width;
        }

        var v = i + width;
        while (true)
        {
            var n = CharFold.Read(data, v, out var c);
            if (n > 0 && c == ' ')
            {
                v += n;
                continue;
            }

            break;
        }

        var window = data[v..];
        if (!final && window.Length < 400)
        {
            return ~i;
        }

        Span<byte> normalized = stackalloc byte[400];
        if (label == ContextHints.Name && _enabled[(int)PiiKind.PersonName])
        {
            var len = PersonNameDetector.HanNameLength(window);
            if (len > 0)
            {
                window[..len].CopyTo(normalized);
                Emit(DetectorMatch.Create(PiiKind.PersonName, false, 0.8f, ContextHints.None, len), normalized, absBase + v, len);
                return v + len;
            }
        }
        else if (label == ContextHints.Address && _enabled[(int)PiiKind.Address])
        {
            var len = AddressDetector.HanAddressLength(window[..Math.Min(window.Length, 360)]);
            if (len > 0)
            {
                window[..len].CopyTo(normalized);
                Emit(DetectorMatch.Create(PiiKind.Address, false, 0.8f, ContextHints.None, len), normalized, absBase + v, len);
                return v + len;
            }
        }

        return i + width;
    }

    private static ContextHints LabelKind(ReadOnlySpan<byte> before)
    {
        if (before.EndsWith("姓名"u8) || before.EndsWith("收件人"u8) || before.EndsWith("收货人"u8) || before.EndsWith("联系人"u8)
            || before.EndsWith("寄件人"u8) || before.EndsWith("户名"u8) || before.EndsWith("持卡人"u8) || before.EndsWith("名字"u8))
        {
            return ContextHints.Name;
        }

        if (before.EndsWith("地址"u8) || before.EndsWith("住址"u8) || before.EndsWith("居住地"u8) || before.EndsWith("户籍地"u8))
        {
            return ContextHints.Address;
        }

        return ContextHints.None;
    }

    /// <summary>
    /// Expands a run of hex digits, ':' and '.' around position <paramref name="at"/> and tries it as IPv6 or a
    /// colon-separated MAC. Returns the run end when found, 0 when not, or a deferral (negative).
    /// </summary>
    private int TryHexColonRun(ReadOnlySpan<byte> data, int at, bool final, long absBase)
    {
        var s = at;
        while (s > 0 && at - s < 46 && (CharFold.IsHex(data[s - 1]) || data[s - 1] is (byte)':' or (byte)'.'))
        {
            s--;
        }

        var e = at;
        while (e < data.Length && e - s < 46 && (CharFold.IsHex(data[e]) || data[e] is (byte)':' or (byte)'.'))
        {
            e++;
        }

        if (e == data.Length && !final)
        {
            return ~s;
        }

        while (e > at && data[e - 1] == '.')
        {
            e--;
        }

        // An IPv6 zone (fe80::1%eth0) belongs to the written address but not to its parse.
        var addressEnd = e;
        if (e + 1 < data.Length && data[e] == '%' && CharFold.IsAlnum(data[e + 1]))
        {
            e++;
            while (e < data.Length && e - addressEnd <= 16 && (CharFold.IsAlnum(data[e]) || data[e] is (byte)'.' or (byte)'_'))
            {
                e++;
            }

            // Interface names are short (IFNAMSIZ 16); anything longer is not a zone.
            if (e - addressEnd > 16 || (e < data.Length && data[e] is (byte)'-' or (byte)'%'))
            {
                e = addressEnd;
            }

            if (e == data.Length && !final)
            {
                return ~s;
            }

            while (e > addressEnd && data[e - 1] == '.')
            {
                e--;
            }
        }

        if (addressEnd - s < 3 || (s > 0 && (CharFold.IsAlnum(data[s - 1]) || data[s - 1] == '.'))
            || (e < data.Length && (e == addressEnd ? CharFold.IsAlnum(data[e]) : CharFold.IsAlnum(data[e]) || data[e] == '%')))
        {
            return 0;
        }

        var run = data[s..addressEnd];
        Span<byte> normalized = stackalloc byte[64];

        // Eight two-digit groups are an EUI-64 MAC, even though they also parse as IPv6.
        if (_enabled[(int)PiiKind.MacAddress] && run.Length is 17 or 23 && e == addressEnd && IsColonMac(run))
        {
            var n = 0;
            for (var k = 0; k < run.Length; k++)
            {
                if (k % 3 != 2)
                {
                    normalized[n++] = CharFold.Upper(run[k]);
                }
            }

            Emit(DetectorMatch.Create(PiiKind.MacAddress, false, 0.8f, ContextHints.None, n), normalized, absBase + s, e - s);
            return e;
        }

        if (_enabled[(int)PiiKind.IpAddress] && IpAddressDetector.TryMatchV6(run, normalized, out var match))
        {
            Emit(match, normalized, absBase + s, e - s);
            return e;
        }

        return 0;
    }

    private static bool IsColonMac(ReadOnlySpan<byte> run)
    {
        for (var k = 0; k < run.Length; k++)
        {
            if (k % 3 == 2 ? run[k] != ':' : !CharFold.IsHex(run[k]))
            {
                return false;
            }
        }

        return true;
    }

    private int SkipLongRun(ReadOnlySpan<byte> data, int pos, bool final)
    {
        var rel = data[pos..].IndexOfAnyExcept(AsciiAlnum);
        if (rel < 0)
        {
            _skipRun = !final;
            return data.Length;
        }

        return pos + rel;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int HandleWord(ReadOnlySpan<byte> data, int anchor, bool final, long absBase)
    {
        // Letters glued to the digits belong to the same group (E12345678, AD12…); more than four is a word, not an id.
        var start = anchor;
        var letters = 0;
        while (true)
        {
            var n = CharFold.ReadBack(data, start, out var c);
            if (n == 0 || !CharFold.IsLetter(c))
            {
                break;
            }

            start -= n;
            if (++letters > 4)
            {
                return SkipLongRun(data, anchor, final);
            }
        }

        // An e-mail whose local part starts here: let the '@' handler take all of it.
        // (The run of local-part characters from the anchor, at most up to start + 65: one vectorised search.)
        // Only when an '@' is close enough (its position is looked up once and reused by the anchors before it).
        if (_nextAt < anchor)
        {
            var at = data[anchor..].IndexOf((byte)'@');
            _nextAt = at < 0 ? int.MaxValue : anchor + at;
        }

        var p = anchor;
        var probe = Math.Min(data.Length, start + 65) - p;
        if (probe > 0 && _nextAt <= start + 65)
        {
            var rel = data.Slice(p, probe).IndexOfAnyExcept(EmailLocalChars);
            p += rel < 0 ? probe : rel;
            if (p < data.Length && data[p] == '@')
            {
                return HandleEmail(data, p, final, absBase);
            }
        }

        // Most numbers in traffic are short (counts, durations, decimals): fewer than 7 characters in fewer than 4
        // groups cannot be any identifier, so leave before setting up candidates.
        var quickEnd = QuickReject(data, start, final);
        if (quickEnd == 0 && _numericLiteral)
        {
            quickEnd = NumericLiteralEnd(data, start, final);
        }

        if (quickEnd > 0)
        {
            return Math.Max(quickEnd, anchor + 1);
        }

        // Trace ids, hashes and UUIDs: long hex-like shapes that only an IBAN could match, ruled out in one pass.
        var shapeEnd = LongShapeEnd(data, start, final);
        if (shapeEnd > 0)
        {
            return Math.Max(shapeEnd, anchor + 1);
        }

        return HandleCompound(data, anchor, start, letters, final, absBase);
    }

    /// <summary>The full analysis of a run of groups; kept out of <see cref="HandleWord"/> so its stack buffers are not set up for every number.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private int HandleCompound(ReadOnlySpan<byte> data, int anchor, int start, int letters, bool final, long absBase)
    {

        // The tail of a dash/dot/colon-joined run whose head was already judged (5.1.2.3.4, UUIDs, dates).
        var before = CharFold.ReadBack(data, start, out var sepBefore);
        if (before == 1 && sepBefore is (byte)'-' or (byte)'.' or (byte)':')
        {
            var before2 = CharFold.ReadBack(data, start - before, out var ch);
            if (before2 > 0 && (sepBefore == ':' ? CharFold.IsDigit(ch) : CharFold.IsAlnum(ch)))
            {
                return SkipJoined(data, start, final);
            }
        }

        var plusWidth = before > 0 && sepBefore == '+' ? before : 0;

        // "Chrome/131.0.0.0", "Safari/537.36": a product/version token, not an address.
        _versionToken = before == 1 && sepBefore == '/' && start >= 2 && CharFold.IsLetter(data[start - 2]);

        // "NO 44 1850…", "ME 25 5403…": an IBAN country code written apart from its check digits.
        if (letters == 0 && start >= 3 && data[start - 1] == ' ' && data[start - 2] is >= (byte)'A' and <= (byte)'Z'
            && data[start - 3] is >= (byte)'A' and <= (byte)'Z' && (start == 3 || !CharFold.IsAlnum(data[start - 4])))
        {
            start -= 3;
        }

        Span<int> wStart = stackalloc int[MaxGroups];
        Span<int> wEnd = stackalloc int[MaxGroups];
        Span<byte> groups = stackalloc byte[MaxGroups];
        Span<byte> seps = stackalloc byte[MaxGroups];
        Span<byte> norm = stackalloc byte[MaxCompoundChars];
        var wc = 0;
        var nl = 0;
        var pos = start;
        byte sep = 0;
        var ibanLike = false;
        while (true)
        {
            var ws = pos;

            // ASCII letters and digits are the common case: take them with one vectorised search (capped one past
            // the word limit, which is where the per-character loop below would stop) and leave only fullwidth
            // characters and the end of the data to that loop.
            var asciiRun = data.Slice(pos, Math.Min(data.Length - pos, MaxWordChars + 1)).IndexOfAnyExcept(AsciiAlnum);
            if (asciiRun < 0)
            {
                asciiRun = Math.Min(data.Length - pos, MaxWordChars + 1);
            }

            var chars = asciiRun;
            pos += Math.Min(asciiRun, MaxWordChars);
            while (asciiRun <= MaxWordChars)
            {
                var n = CharFold.Read(data, pos, out var c);
                if (n < 0 || (n == 0 && !final))
                {
                    if (!final)
                    {
                        return ~start;
                    }

                    break;
                }

                if (n == 0 || !CharFold.IsAlnum(c))
                {
                    break;
                }

                if (++chars > MaxWordChars)
                {
                    break;
                }

                pos += n;
            }

            if (chars > MaxWordChars)
            {
                if (wc == 0)
                {
                    return SkipLongRun(data, pos, final);
                }

                pos = ws;
                break;
            }

            if (nl + chars > MaxCompoundChars)
            {
                pos = ws;
                break;
            }

            if (pos - ws == chars)
            {
                // All ASCII: upper-case the group in one go.
                Ascii.ToUpper(data[ws..pos], norm[nl..], out _);
                nl += chars;
            }
            else
            {
                for (var q = ws; q < pos;)
                {
                    q += CharFold.Read(data, q, out var c);
                    norm[nl++] = CharFold.Upper(c);
                }
            }

            wStart[wc] = ws;
            wEnd[wc] = pos;
            groups[wc] = (byte)chars;
            seps[wc] = sep;
            wc++;
            if (wc == MaxGroups || pos - start > MaxCompoundBytes)
            {
                break;
            }

            var sn = CharFold.Read(data, pos, out var sc);
            if (sn <= 0)
            {
                if (!final)
                {
                    return ~start;
                }

                break;
            }

            if (sc is not ((byte)' ' or (byte)'-' or (byte)'.' or (byte)':'))
            {
                break;
            }

            var an = CharFold.Read(data, pos + sn, out var ac);
            if (an <= 0 && !final)
            {
                return ~start;
            }

            if (an <= 0 || !CharFold.IsAlnum(ac))
            {
                break;
            }

            // A space joins only id-like groups (138 0013 8000, BG80 BNBG 9661, A9 C5 D4): ordinary words and
            // numbers in prose stay apart, which keeps candidates per anchor small.
            if (wc == 1)
            {
                ibanLike = groups[0] == 2 ? IsUpperPair(norm) : groups[0] == 4 && IsUpperPair(norm) && CharFold.IsDigit(norm[2]) && CharFold.IsDigit(norm[3]);
            }

            if (sc == ' ' && (chars > (ibanLike ? 30 : 10) || !SpaceJoinable(data, pos + sn, ibanLike ? 30 : 10)))
            {
                break;
            }

            sep = sc;
            pos += sn;
        }

        var compoundEnd = wEnd[wc - 1];

        // IPv6 written with hex groups and colons.
        var touchesColon = (before > 0 && sepBefore == ':') || seps[..wc].IndexOf((byte)':') >= 0
            || (compoundEnd < data.Length && data[compoundEnd] == ':');
        if (touchesColon)
        {
            var run = TryHexColonRun(data, start, final, absBase);
            if (run != 0)
            {
                return run;
            }
        }

        // A check character in brackets right after a single group: A123456(7), 5686611(1).
        byte suffix = 0;
        var suffixEnd = compoundEnd;
        if (wc == 1)
        {
            var n1 = CharFold.Read(data, compoundEnd, out var open);
            if (n1 > 0 && open is (byte)'(' or (byte)'[')
            {
                var n2 = CharFold.Read(data, compoundEnd + n1, out var ch);
                byte close = 0;
                var n3 = n2 > 0 ? CharFold.Read(data, compoundEnd + n1 + n2, out close) : 0;
                if (n2 > 0 && n3 > 0 && CharFold.IsAlnum(ch) && ((open == '(' && close == ')') || (open == '[' && close == ']')))
                {
                    suffix = CharFold.Upper(ch);
                    suffixEnd = compoundEnd + n1 + n2 + n3;
                }
            }
        }

        Span<byte> normalized = stackalloc byte[MaxCompoundChars + 16];

        // Licence plate: province character right before the first group.
        if (start >= 3 && data[start - 3] is >= 0xE4 and <= 0xE9 && _enabled[(int)PiiKind.LicensePlate]
            && LicensePlateDetector.TryMatch(data, wStart[0], wEnd[0], norm[..groups[0]], normalized, out var plate, out var ps, out var pe))
        {
            Emit(plate, normalized, absBase + ps, pe - ps);
            return pe;
        }

        var nearby = ContextHints.None;
        var offset = 0;
        for (var i = 0; i < wc; offset += groups[i], i++)
        {
            if (i > 0 && seps[i] != ' ')
            {
                continue;
            }

            var length = 0;
            for (var k = i; k < wc; k++)
            {
                length += groups[k];
            }

            for (var j = wc - 1; j >= i; length -= groups[j], j--)
            {
                if (j < wc - 1 && seps[j + 1] != ' ')
                {
                    continue;
                }

                var summary = (byte)0;
                for (var k = i + 1; k <= j; k++)
                {
                    summary = summary == 0 || summary == seps[k] ? seps[k] : Candidate.MixedSeparators;
                }

                var useSuffix = i == j && j == wc - 1 ? suffix : (byte)0;
                var candidate = new Candidate(norm.Slice(offset, length), groups[i..(j + 1)], summary, i == 0 && plusWidth > 0, useSuffix, _today);
                var lookback = data[Math.Max(0, wStart[i] - LookbackBytes)..wStart[i]];
                if (!TryDetect(candidate, seps[i..(j + 1)], normalized, lookback, ref nearby, out var match, out var groupsUsed))
                {
                    continue;
                }

                var spanStart = wStart[i];
                if (i == 0 && plusWidth > 0 && match.Kind == PiiKind.Mobile)
                {
                    spanStart -= plusWidth;
                }

                var spanEnd = match.Kind is PiiKind.HkId or PiiKind.MoId && useSuffix != 0 ? suffixEnd : wEnd[i + groupsUsed - 1];
                Emit(match, normalized, absBase + spanStart, spanEnd - spanStart);
                return spanEnd;
            }

            nearby = ContextHints.None;
        }

        // Nothing matched: move past the anchor's dash/dot-joined run (never backwards: the first group may be
        // an IBAN country code that sits before the anchor).
        var last = 0;
        while (last + 1 < wc && (seps[last + 1] != ' ' || wEnd[last] <= anchor))
        {
            last++;
        }

        return Math.Max(wEnd[last], anchor + 1);
    }

    private static PiiKind[][] BuildDetectorsByLength(bool withIpv4)
    {
        static bool Accepts(PiiKind kind, int n) => kind switch
        {
            PiiKind.ResidentId => n is 15 or 18,
            PiiKind.Uscc => n == 18,
            PiiKind.Imei => n is >= 14 and <= 16,
            PiiKind.BankCard => n is >= 13 and <= 19,
            PiiKind.Iban => n is >= 15 and <= 34,
            PiiKind.Mobile => n is 11 or 13 or 15,
            PiiKind.UsSsn => n == 9,
            PiiKind.Landline => n is >= 7 and <= 17,
            PiiKind.HkId => n is >= 7 and <= 9,
            PiiKind.TwId => n == 10,
            PiiKind.MoId => n is 7 or 8,
            PiiKind.Passport => n is 8 or 9,
            PiiKind.TravelPermit => n is 9 or 11,
            PiiKind.MacAddress => n is 12 or 16,
            _ => false,
        };

        var table = new PiiKind[MaxCompoundChars + 1][];
        for (var n = 0; n < table.Length; n++)
        {
            table[n] = Array.FindAll(DetectorOrder, k => Accepts(k, n) || (withIpv4 && k == PiiKind.IpAddress));
        }

        return table;
    }

    /// <summary>
    /// End of a short ASCII run (under 7 alphanumerics in under 4 groups, no bracketed check digit, no province
    /// character before it), or 0 when the full candidate analysis is needed.
    /// </summary>
    /// <remarks>
    /// When <paramref name="final"/>, the end of the data ends the run like any other byte: JSON numbers and values
    /// such as <c>"cn-east-1"</c> end there. Runs touching a colon still take the full path (IPv6 and MAC runs are
    /// expanded around it).
    /// </remarks>
    private static int QuickReject(ReadOnlySpan<byte> data, int start, bool final)
    {
        if (start >= 3 && data[start - 3] >= 0xE4)
        {
            return 0;
        }

        // The same test as HandleCompound's version token: '/' right after a letter.
        var versionToken = start >= 2 && data[start - 1] == '/' && CharFold.IsLetter(data[start - 2]);

        var chars = 0;
        var groups = 1;
        var colon = false;
        var p = start;
        while (p < data.Length && chars < 7)
        {
            var b = data[p];
            if (CharFold.IsAlnum(b))
            {
                chars++;
                p++;
                continue;
            }

            if (b is (byte)'.' or (byte)'-' or (byte)':' or (byte)' ' && p + 1 < data.Length && CharFold.IsAlnum(data[p + 1]))
            {
                // "537.36 Chrome": a space joins only id-like groups (SpaceJoinable), so a plain word after it ends the run.
                if (b == ' ' && IsPlainWord(data, p + 1))
                {
                    return p;
                }

                // "Chrome/131.0.0.0": four short groups can only be IPv4, which a product/version token is not.
                if (++groups >= 4 && !(b == '.' && versionToken))
                {
                    return 0;
                }

                colon |= b == ':';
                p++;
                continue;
            }

            // '(' '[' may open a check digit, 0xEF a fullwidth digit, '+' a country code: let the full path decide.
            return b is (byte)'(' or (byte)'[' or 0xEF or 0xE3 ? 0 : p;
        }

        if (final && chars < 7 && !colon && (CharFold.ReadBack(data, start, out var before) == 0 || before != ':'))
        {
            return p;
        }

        return 0;
    }

    /// <summary>
    /// End of a run that no detector can accept, or 0 when the full analysis must decide: a single ASCII group of
    /// 20–40 alphanumerics (hex trace ids, hashes, order numbers with a prefix) or a UUID (8-4-4-4-12 groups
    /// joined by '-'). At these lengths only an IBAN can match (bank cards end at 19, landlines at 17, every other
    /// detector is shorter, IPv4 needs groups of ≤ 3), and an IBAN starts with two letters; so a run whose first
    /// two characters are not both letters is passed over exactly as <see cref="HandleCompound"/> would. A single
    /// group of 12–40 that starts with three letters, not all hex (<c>ORD17325000011234</c>), is passed over too
    /// (<see cref="LetterPrefixRulesOut"/>).
    /// </summary>
    /// <remarks>
    /// The run must stand alone: nothing before it that joins or qualifies it (a separator, '+', '/', a province
    /// character, an IBAN country code written apart) and nothing after it that could extend it (a separator, a
    /// bracketed check character, a fullwidth character, the end of non-final data).
    /// </remarks>
    private static int LongShapeEnd(ReadOnlySpan<byte> data, int start, bool final)
    {
        if (data.Length - start < 12 || (start > 0 && !IsolatingByte(data[start - 1])))
        {
            return 0;
        }

        var run = data.Slice(start, Math.Min(data.Length - start, MaxWordChars + 1)).IndexOfAnyExcept(AsciiAlnum);
        if (run < 0)
        {
            // A run that ends with the data (a JSON string value, a header value) ends there like any other run when
            // the data is final; the isolation test below then decides as it does for an ending byte.
            if (!final || data.Length - start > MaxWordChars)
            {
                return 0;
            }

            run = data.Length - start;
        }

        int end;
        if (run >= 20)
        {
            end = start + run;
        }
        else if (run == 8 && IsUuidTail(data, start + 8))
        {
            end = start + 36;
        }
        else if (run >= 12 && LetterPrefixRulesOut(data, start) && (start < 3 || data[start - 3] < 0xE4))
        {
            end = start + run;
        }
        else
        {
            return 0;
        }

        if (end == data.Length ? !final : !IsolatingByte(data[end]))
        {
            return 0;
        }

        if (!IsAsciiLetter(data[start]) || !IsAsciiLetter(data[start + 1]))
        {
            return end;
        }

        // Two leading letters could start an IBAN (country code); three cannot (its check digits come next).
        return run >= 12 && LetterPrefixRulesOut(data, start) ? end : 0;
    }

    /// <summary>
    /// The run starts with three ASCII letters, not all of them hex (<c>ORD…</c>, <c>SKU…</c>, <c>req…</c>). No detector
    /// accepts a single group of 12–40 characters that starts so: bank cards, IMEIs, mobiles, landlines and 15-digit
    /// resident IDs are all digits, an 18-character resident ID or USCC has digits in its first three places
    /// (USCC: the region code from the third), an IBAN has check digits in the third and fourth, a bare MAC is hex
    /// only, and every other detector takes 11 characters or fewer.
    /// </summary>
    private static bool LetterPrefixRulesOut(ReadOnlySpan<byte> data, int start) =>
        IsAsciiLetter(data[start]) && IsAsciiLetter(data[start + 1]) && IsAsciiLetter(data[start + 2])
        && !(CharFold.IsHex(data[start]) && CharFold.IsHex(data[start + 1]) && CharFold.IsHex(data[start + 2]));

    /// <summary>-XXXX-XXXX-XXXX-XXXXXXXXXXXX (alphanumeric groups) at <paramref name="p"/>.</summary>
    private static bool IsUuidTail(ReadOnlySpan<byte> data, int p)
    {
        if (data.Length - p < 28)
        {
            return false;
        }

        var tail = data.Slice(p, 28);
        if (tail[0] != '-' || tail[5] != '-' || tail[10] != '-' || tail[15] != '-')
        {
            return false;
        }

        return tail.Slice(1, 4).IndexOfAnyExcept(AsciiAlnum) < 0 && tail.Slice(6, 4).IndexOfAnyExcept(AsciiAlnum) < 0
            && tail.Slice(11, 4).IndexOfAnyExcept(AsciiAlnum) < 0 && tail.Slice(16, 12).IndexOfAnyExcept(AsciiAlnum) < 0;
    }

    /// <summary>A byte next to a run that neither joins it to more groups nor gives it a prefix or check character.</summary>
    private static bool IsolatingByte(byte b) =>
        b < 0x80 && !CharFold.IsAlnum(b) && b is not ((byte)'-' or (byte)'.' or (byte)':' or (byte)' ' or (byte)'+' or (byte)'/'
            or (byte)'(' or (byte)'[' or (byte)'@');

    private static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    /// <summary>
    /// An ASCII word of letters only with at least one lower-case letter past 'f', ended by an ASCII byte inside the
    /// data: no digit and not all upper-case/hex, so <see cref="SpaceJoinable"/> refuses it whatever its length limit.
    /// </summary>
    private static bool IsPlainWord(ReadOnlySpan<byte> data, int pos)
    {
        var plain = false;
        var end = Math.Min(data.Length, pos + MaxWordChars);
        for (var q = pos; q < end; q++)
        {
            var b = data[q];
            if (b is >= (byte)'g' and <= (byte)'z')
            {
                plain = true;
            }
            else if (b is not ((>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'Z')))
            {
                return plain && b < 0x80;
            }
        }

        return false;
    }

    /// <summary>
    /// End of a bare JSON number of 7–13 digits whose field name gives no context, or 0. Such a literal is reported
    /// only when a check digit validates it (see TryDetect), and at these lengths the only validating detector is a
    /// 13-digit bank card: millisecond timestamps, counters and ids are passed over without candidate analysis.
    /// </summary>
    private int NumericLiteralEnd(ReadOnlySpan<byte> data, int start, bool final)
    {
        var length = data.Length - start;
        if (!final || start != 0 || length is < 7 or > 13 || data.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || (FieldHints & ~(ContextHints.Computed | ContextHints.Version | ContextHints.OtherId)) != 0)
        {
            return 0;
        }

        return length == 13 && BankCardDetector.IssuerAllows(data) && Luhn.IsValid(data) ? 0 : data.Length;
    }

    private static bool IsUpperPair(ReadOnlySpan<byte> norm) => norm[0] is >= (byte)'A' and <= (byte)'Z' && norm[1] is >= (byte)'A' and <= (byte)'Z';

    /// <summary>The group at <paramref name="pos"/> has a digit and at most <paramref name="maxChars"/> characters, or is 2–4 upper-case/hex characters.</summary>
    private static bool SpaceJoinable(ReadOnlySpan<byte> data, int pos, int maxChars)
    {
        var chars = 0;
        var digits = 0;
        var upperOrHex = 0;
        while (chars <= maxChars)
        {
            var n = CharFold.Read(data, pos, out var c);
            if (n <= 0 || !CharFold.IsAlnum(c))
            {
                break;
            }

            chars++;
            digits += CharFold.IsDigit(c) ? 1 : 0;
            upperOrHex += c is >= (byte)'A' and <= (byte)'Z' || CharFold.IsHex(c) ? 1 : 0;
            pos += n;
        }

        return chars <= maxChars && (digits > 0 || (chars is >= 2 and <= 4 && upperOrHex == chars) || (maxChars > 10 && upperOrHex == chars));
    }

    private static int SkipJoined(ReadOnlySpan<byte> data, int pos, bool final)
    {
        while (pos < data.Length)
        {
            var n = CharFold.Read(data, pos, out var c);
            if (n <= 0)
            {
                break;
            }

            if (CharFold.IsAlnum(c))
            {
                pos += n;
                continue;
            }

            if (c is (byte)'-' or (byte)'.' or (byte)':')
            {
                var n2 = CharFold.Read(data, pos + n, out var c2);
                if (n2 > 0 && CharFold.IsAlnum(c2))
                {
                    pos += n;
                    continue;
                }
            }

            break;
        }

        _ = final;
        return pos;
    }

    /// <summary>
    /// Runs the detectors in priority order; a detector that needs context and has none nearby (lookback window or
    /// field name, computed once per candidate start) does not stop the later ones.
    /// </summary>
    private bool TryDetect(in Candidate c, ReadOnlySpan<byte> separators, Span<byte> normalized, ReadOnlySpan<byte> lookback, ref ContextHints nearby,
        out DetectorMatch m, out int groupsUsed)
    {
        groupsUsed = c.Groups.Length;
        var length = c.Value.Length;
        if (length >= DetectorsByLength.Length || (DetectorsByLength[length].Length == 0 && c.Groups.Length < 4))
        {
            m = default;
            return false;
        }

        var colon = c.Separator == ':' || (c.Separator == Candidate.MixedSeparators && separators.IndexOf((byte)':') >= 0);
        var candidates = c.Groups.Length >= 4 ? DetectorsByLengthWithIpv4[length] : DetectorsByLength[length];
        for (var d = 0; d < candidates.Length; d++)
        {
            var kind = candidates[d];
            if (!_enabled[(int)kind])
            {
                continue;
            }

            // Colons join only MAC groups, or an IPv4 address with its port.
            if (colon && kind is not (PiiKind.MacAddress or PiiKind.IpAddress))
            {
                continue;
            }

            var found = kind switch
            {
                PiiKind.ResidentId => ResidentIdDetector.TryMatch(c, normalized, out m),
                PiiKind.Uscc => UsccDetector.TryMatch(c, normalized, out m),
                PiiKind.Imei => ImeiDetector.TryMatch(c, normalized, out m),
                PiiKind.BankCard => BankCardDetector.TryMatch(c, normalized, out m),
                PiiKind.Iban => IbanDetector.TryMatch(c, normalized, out m),
                PiiKind.Mobile => MobileDetector.TryMatch(c, normalized, out m),
                PiiKind.UsSsn => UsSsnDetector.TryMatch(c, normalized, out m),
                PiiKind.Landline => LandlineDetector.TryMatch(c, normalized, out m),
                PiiKind.HkId => HkIdDetector.TryMatch(c, normalized, out m),
                PiiKind.TwId => TwIdDetector.TryMatch(c, normalized, out m),
                PiiKind.MoId => MoIdDetector.TryMatch(c, normalized, out m),
                PiiKind.Passport => PassportDetector.TryMatch(c, normalized, out m),
                PiiKind.TravelPermit => TravelPermitDetector.TryMatch(c, normalized, out m),
                PiiKind.MacAddress => MacAddressDetector.TryMatch(c, normalized, out m),
                _ => IpAddressDetector.TryMatchV4(c, separators, normalized, out m, out groupsUsed),
            };
            if (!found)
            {
                continue;
            }

            if (kind == PiiKind.IpAddress && (_versionToken || (FieldHints & ContextHints.Version) != 0))
            {
                continue;
            }

            // A bare JSON number ("bytes": 13912345678) is a measurement unless a check digit or the field name says otherwise.
            if (_numericLiteral && !m.Validated && (FieldHints & ~(ContextHints.Computed | ContextHints.Version | ContextHints.OtherId)) == 0)
            {
                continue;
            }

            // One in ten order/transaction/trace numbers in a card issuer range passes Luhn: where the field name or the
            // words before it say the number identifies something else, and no card keyword says otherwise, it is not
            // a card (the check runs only for Luhn-valid candidates, so it costs nothing on ordinary numbers).
            if (kind == PiiKind.BankCard)
            {
                if (nearby == ContextHints.None)
                {
                    nearby = ContextKeywords.FromText(lookback) | FieldHints | ContextHints.Computed;
                }

                if ((nearby & (ContextHints.OtherId | ContextHints.Bank)) == ContextHints.OtherId)
                {
                    continue;
                }
            }

            if (m.RequiredContext != ContextHints.None)
            {
                if (nearby == ContextHints.None)
                {
                    nearby = ContextKeywords.FromText(lookback) | FieldHints | ContextHints.Computed;
                }

                if ((nearby & m.RequiredContext) == 0)
                {
                    continue;
                }
            }

            return true;
        }

        m = default;
        return false;
    }

    private void Emit(in DetectorMatch match, ReadOnlySpan<byte> normalized, long absStart, int length)
    {
        if (absStart < _emittedUpTo)
        {
            return;
        }

        _emittedUpTo = absStart + length;
        if (_collector.IsFull)
        {
            _collector.CountDropped();
            return;
        }

        _collector.Add(match.Kind, normalized[..match.NormalizedLength], absStart, length, match.Validated, match.Confidence, ResolveLocation());
    }

    private void EmitValue(PiiKind kind, ReadOnlySpan<byte> value, long absStart, int length, float confidence)
    {
        if (_collector.IsFull)
        {
            _collector.CountDropped();
            return;
        }

        _collector.Add(kind, value, absStart, length, false, confidence, ResolveLocation());
    }

    private string ResolveLocation() => _location ??= _locationSource?.DescribeLocation() ?? "body";
}
