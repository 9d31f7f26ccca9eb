using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Decoding;

/// <summary>UTF-8 text scanned as one segment; offsets are positions in the text.</summary>
internal sealed class PlainTextSink : ByteSink
{
    private readonly TextScanner _scanner;

    public PlainTextSink(TextScanner scanner, long baseOffset, string location, ReadOnlyMemory<byte> fieldName)
    {
        _scanner = scanner;
        scanner.BeginSegment(baseOffset, location, null, fieldName);
    }

    public override void Write(ReadOnlySpan<byte> data) => _scanner.Write(data);

    public override void Complete() => _scanner.EndSegment();
}
