namespace EgressGuard.Inspection.Decoding;

/// <summary>One stage of the decode pipeline: takes bytes as they arrive, passes decoded bytes on.</summary>
internal abstract class ByteSink : IDisposable
{
    public abstract void Write(ReadOnlySpan<byte> data);

    /// <summary>The input ended: flush state and close open segments.</summary>
    public abstract void Complete();

    public virtual void Dispose()
    {
    }
}
