using System.Text;

namespace EgressGuard.Inspection.Decoding;

/// <summary>Transcodes text in a declared legacy charset to UTF-8 before the format stage, so GBK bytes never match inside Chinese characters.</summary>
internal sealed class CharsetSink : ByteSink
{
    private readonly ByteSink _next;
    private readonly Utf8Transcoder _transcoder;

    public CharsetSink(ByteSink next, Encoding encoding)
    {
        _next = next;
        _transcoder = new Utf8Transcoder(encoding);
    }

    public override void Write(ReadOnlySpan<byte> data) => _transcoder.Transcode(data, flush: false, _next);

    public override void Complete()
    {
        _transcoder.Transcode([], flush: true, _next);
        _next.Complete();
    }

    public override void Dispose()
    {
        _transcoder.Dispose();
        _next.Dispose();
    }
}
