namespace EgressGuard.Policy.Volume;

/// <summary>The processor's count reached 80% of a threshold.</summary>
/// <param name="Sensitive">The sensitive tally (else non-sensitive).</param>
/// <param name="Count">Individuals counted now.</param>
/// <param name="Threshold">The threshold approached.</param>
public readonly record struct VolumeAlert(bool Sensitive, long Count, long Threshold);
