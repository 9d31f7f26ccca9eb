namespace EgressGuard.Inspection.Decoding;

/// <summary>Per-payload decode bookkeeping shared by the stages: status (first problem wins) and byte counts.</summary>
internal sealed class DecodeState
{
    public DecodeState(long maxDecodedBytes, int maxCompressionRatio)
    {
        MaxDecodedBytes = maxDecodedBytes;
        MaxCompressionRatio = maxCompressionRatio;
    }

    public long MaxDecodedBytes { get; }

    public int MaxCompressionRatio { get; }

    public DecodeStatus Status { get; private set; }

    public long BytesIn { get; set; }

    public long BytesDecoded { get; set; }

    /// <summary>True once a stage refused to go on (bomb, limit, corrupt data): later input is ignored.</summary>
    public bool Stopped { get; private set; }

    public void Fail(DecodeStatus status, bool stop)
    {
        if (Status == DecodeStatus.Ok)
        {
            Status = status;
        }

        Stopped |= stop;
    }
}
