namespace EgressGuard.Inspection.Scanning;

/// <summary>Turns detector matches into <see cref="PiiFinding"/>s (mask, fingerprint) for one scan; bounded by MaxFindings.</summary>
internal sealed class FindingCollector
{
    private readonly FingerprintKey _key;
    private readonly int _maxFindings;
    private readonly List<PiiFinding> _findings = [];

    public FindingCollector(FingerprintKey key, int maxFindings)
    {
        _key = key;
        _maxFindings = maxFindings;
    }

    public IReadOnlyList<PiiFinding> Findings => _findings;

    public int Count => _findings.Count;

    /// <summary>Findings beyond <c>MaxFindings</c> were counted but not kept.</summary>
    public long Dropped { get; private set; }

    /// <summary>True once MaxFindings are kept: later findings are only counted (no mask, fingerprint or location built).</summary>
    public bool IsFull => _findings.Count >= _maxFindings;

    public void CountDropped() => Dropped++;

    public void Add(PiiKind kind, ReadOnlySpan<byte> normalized, long start, int length, bool validated, float confidence, string location)
    {
        if (_findings.Count >= _maxFindings)
        {
            Dropped++;
            return;
        }

        _findings.Add(new PiiFinding
        {
            Type = PiiKinds.Name(kind),
            Personal = PiiKinds.IsPersonal(kind),
            Sensitive = PiiKinds.IsSensitive(kind),
            Validated = validated,
            Confidence = confidence,
            Masked = Masker.Mask(kind, normalized),
            Fingerprint = Fingerprinter.Compute(_key, kind, normalized),
            Start = start,
            Length = length,
            Location = location,
        });
    }
}
