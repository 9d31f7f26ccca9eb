namespace EgressGuard.Inspection.Decoding;

/// <summary>Per-payload settings and state the pipeline stages share.</summary>
internal sealed class ScanContext
{
    public ScanContext(DecodeState state, int maxJsonDepth)
    {
        State = state;
        MaxJsonDepth = maxJsonDepth;
    }

    public DecodeState State { get; }

    public int MaxJsonDepth { get; }
}
