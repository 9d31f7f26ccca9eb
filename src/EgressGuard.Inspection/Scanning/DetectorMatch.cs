namespace EgressGuard.Inspection.Scanning;

/// <summary>A detector's verdict on one candidate; the scanner checks <see cref="RequiredContext"/> before reporting.</summary>
internal struct DetectorMatch
{
    public PiiKind Kind;
    public bool Validated;
    public float Confidence;

    /// <summary>Any one of these hints must be present nearby or in the field name, or the match is dropped.</summary>
    public ContextHints RequiredContext;

    /// <summary>Bytes written to the normalised-value buffer (what the fingerprint is computed over).</summary>
    public int NormalizedLength;

    public static DetectorMatch Create(PiiKind kind, bool validated, float confidence, ContextHints required, int normalizedLength) =>
        new() { Kind = kind, Validated = validated, Confidence = confidence, RequiredContext = required, NormalizedLength = normalizedLength };
}
