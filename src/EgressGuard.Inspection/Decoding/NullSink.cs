namespace EgressGuard.Inspection.Decoding;

/// <summary>Discards content that is not scanned (images, unknown encodings).</summary>
internal sealed class NullSink : ByteSink
{
    public override void Write(ReadOnlySpan<byte> data)
    {
    }

    public override void Complete()
    {
    }
}
