using System.Buffers;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>
/// multipart/form-data (and other multipart types): every part decoded by its own Content-Type, file-name
/// extension and charset (JSON, CSV, form, text), with the part's field name as context. The delimiter search is a
/// vectorised substring search over a bounded window; RFC 2046 caps boundaries at 70 characters, so the work stays
/// linear in the body even for repetitive boundaries.
/// </summary>
internal sealed class MultipartSink : ByteSink
{
    private const int WindowBytes = 32 * 1024;
    private const int MaxHeaderBytes = 8 * 1024;
    private const int MaxParts = 1000;

    private readonly TextScanner _scanner;
    private readonly ScanContext _context;
    private readonly string _location;
    private readonly byte[] _delimiter;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(WindowBytes);
    private int _length;
    private long _consumed;
    private PartState _state;
    private ByteSink? _part;
    private int _parts;

    public MultipartSink(TextScanner scanner, ScanContext context, string location, string boundary)
    {
        _scanner = scanner;
        _context = context;
        _location = location;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);

        // The first delimiter may start the body without a preceding CRLF.
        "\r\n"u8.CopyTo(_buffer);
        _length = 2;
        _consumed = -2;
    }

    private enum PartState
    {
        Preamble,
        AfterDelimiter,
        Headers,
        Body,
        Epilogue,
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && _buffer is not null)
        {
            var take = Math.Min(data.Length, _buffer.Length - _length);
            data[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            data = data[take..];
            Process(final: false);
        }
    }

    public override void Complete()
    {
        Process(final: true);
        if (_part is not null)
        {
            _part.Complete();
            _part.Dispose();
            _part = null;
        }
    }

    public override void Dispose()
    {
        _part?.Dispose();
        _part = null;
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private void Process(bool final)
    {
        var buffer = _buffer!;
        var pos = 0;
        while (true)
        {
            var span = buffer.AsSpan(pos, _length - pos);
            if (_state is PartState.Preamble or PartState.Body)
            {
                var idx = span.IndexOf(_delimiter);
                if (idx < 0)
                {
                    var safe = final ? span.Length : span.Length - (_delimiter.Length - 1);
                    if (safe > 0)
                    {
                        _part?.Write(span[..safe]);
                        pos += safe;
                    }

                    break;
                }

                if (_part is not null)
                {
                    _part.Write(span[..idx]);
                    _part.Complete();
                    _part.Dispose();
                    _part = null;
                }

                pos += idx + _delimiter.Length;
                _state = PartState.AfterDelimiter;
                continue;
            }

            if (_state == PartState.AfterDelimiter)
            {
                if (span.Length < 2)
                {
                    break;
                }

                if (span[0] == '-' && span[1] == '-')
                {
                    _state = PartState.Epilogue;
                    continue;
                }

                var nl = span.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    if (span.Length > 1024 || final)
                    {
                        _state = PartState.Epilogue;
                    }

                    break;
                }

                pos += nl + 1;
                _state = PartState.Headers;
                continue;
            }

            if (_state == PartState.Headers)
            {
                var end = span.IndexOf("\r\n\r\n"u8);
                var headerLength = end;
                var skip = 4;
                if (span.StartsWith("\r\n"u8))
                {
                    headerLength = 0;
                    skip = 2;
                }
                else if (end < 0)
                {
                    if (span.Length > MaxHeaderBytes || final)
                    {
                        // Headers never ended: scan the rest as text rather than trust it.
                        _part = new PlainTextSink(_scanner, _consumed + pos, _location, default);
                        _state = PartState.Body;
                        continue;
                    }

                    break;
                }

                pos += headerLength + skip;
                _part = ++_parts > MaxParts ? null : CreatePart(span[..headerLength], _consumed + pos);
                _state = PartState.Body;
                continue;
            }

            // Epilogue: ignored.
            pos = _length;
            break;
        }

        buffer.AsSpan(pos, _length - pos).CopyTo(buffer);
        _length -= pos;
        _consumed += pos;
    }

    private ByteSink? CreatePart(ReadOnlySpan<byte> headers, long baseOffset)
    {
        string? name = null;
        string? fileName = null;
        string? contentType = null;
        foreach (var range in headers.Split("\r\n"u8))
        {
            var line = Encoding.UTF8.GetString(headers[range]);
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var header = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (header.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
            {
                name = MediaType.Parameter(value, "name");
                fileName = MediaType.Parameter(value, "filename");
            }
            else if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        var location = "multipart:" + (fileName ?? name ?? "part");
        var fieldName = fileName is null && name is not null ? Encoding.UTF8.GetBytes(name) : default(ReadOnlyMemory<byte>);
        return ContentPipeline.CreateFormatSink(_scanner, _context, baseOffset, location, contentType, fileName, fieldName, allowMultipart: false);
    }
}
