using System.Buffers;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// CSV/TSV (RFC 4180 quoting): the first row names the columns, and every later cell is a segment whose field name
/// is its column header, so a 姓名 or address column gives name/address context. Offsets are positions in the file.
/// </summary>
internal sealed class CsvSink : ByteSink, ILocationSource
{
    private const int MaxColumns = 64;
    private const int MaxHeaderBytes = 64;
    private static readonly SearchValues<byte> CommaStops = SearchValues.Create(",\r\n\""u8);
    private static readonly SearchValues<byte> TabStops = SearchValues.Create("\t\r\n\""u8);

    private readonly TextScanner _scanner;
    private readonly long _base;
    private readonly string _location;
    private readonly byte[] _headers = new byte[MaxColumns * MaxHeaderBytes];
    private readonly int[] _headerLength = new int[MaxColumns];
    private SearchValues<byte>? _stops;
    private byte _delimiter;
    private int _row;
    private int _record;
    private bool _crJustEnded;
    private int _column;
    private bool _fieldOpen;
    private bool _inQuotes;
    private bool _quotePending;
    private long _pos;

    public CsvSink(TextScanner scanner, long baseOffset, string location)
    {
        _scanner = scanner;
        _base = baseOffset;
        _location = location;
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_stops is null)
        {
            var line = data[..Math.Max(0, data.IndexOf((byte)'\n') is var nl and >= 0 ? nl : data.Length)];
            _delimiter = line.IndexOf((byte)',') < 0 && line.IndexOf((byte)'\t') >= 0 ? (byte)'\t' : (byte)',';
            _stops = _delimiter == ',' ? CommaStops : TabStops;
        }

        var i = 0;
        while (i < data.Length)
        {
            if (_quotePending)
            {
                _quotePending = false;
                if (data[i] == '"')
                {
                    Content("\""u8);
                    i++;
                    _pos++;
                    continue;
                }

                _inQuotes = false;
            }

            var rel = _inQuotes ? data[i..].IndexOf((byte)'"') : data[i..].IndexOfAny(_stops);
            var run = rel < 0 ? data[i..] : data.Slice(i, rel);
            if (!run.IsEmpty)
            {
                _crJustEnded = false;
                Content(run);
                _pos += run.Length;
                i += run.Length;
            }

            if (rel < 0)
            {
                break;
            }

            var b = data[i++];
            _pos++;
            if (b != '\r' && b != '\n')
            {
                _crJustEnded = false;
            }

            if (b == '"')
            {
                if (_inQuotes)
                {
                    _quotePending = true;
                }
                else if (!_fieldOpen)
                {
                    _inQuotes = true;
                    OpenField();
                }
                else
                {
                    Content("\""u8);
                }
            }
            else if (b == _delimiter)
            {
                CloseField();
                _column++;
            }
            else
            {
                // \r or \n: end of record (a \r\n pair closes an empty field once, harmlessly).
                CloseField();
                if (b == '\n' || _column > 0)
                {
                    _row++;
                }

                // Records for locations: a \r\n pair (even split across writes) ends one record, not two.
                if (b == '\n' && _crJustEnded)
                {
                    _crJustEnded = false;
                }
                else
                {
                    _record++;
                    _crJustEnded = b == '\r';
                }

                _column = 0;
            }
        }
    }

    public override void Complete()
    {
        CloseField();
    }

    public string DescribeLocation()
    {
        var column = Math.Min(_column, MaxColumns - 1);
        return _row == 0 || _headerLength[column] == 0
            ? _location
            : _location + "/csv[" + _record.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]:" + Encoding.UTF8.GetString(_headers, column * MaxHeaderBytes, _headerLength[column]);
    }

    private void OpenField()
    {
        if (_fieldOpen)
        {
            return;
        }

        _fieldOpen = true;
        var column = Math.Min(_column, MaxColumns - 1);
        ReadOnlyMemory<byte> name = _row == 0 ? default : _headers.AsMemory(column * MaxHeaderBytes, _headerLength[column]);
        if (_row == 0)
        {
            _headerLength[column] = 0;
        }

        _scanner.BeginSegment(_base + _pos, null, this, name);
    }

    private void Content(ReadOnlySpan<byte> bytes)
    {
        OpenField();
        if (_row == 0 && _column < MaxColumns)
        {
            var have = _headerLength[_column];
            var n = Math.Min(bytes.Length, MaxHeaderBytes - have);
            bytes[..n].CopyTo(_headers.AsSpan((_column * MaxHeaderBytes) + have));
            _headerLength[_column] = have + n;
        }

        _scanner.Write(bytes);
    }

    private void CloseField()
    {
        if (_fieldOpen)
        {
            _scanner.EndSegment();
            _fieldOpen = false;
        }

        _inQuotes = false;
    }
}
