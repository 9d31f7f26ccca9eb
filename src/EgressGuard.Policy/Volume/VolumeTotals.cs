namespace EgressGuard.Policy.Volume;

/// <summary>Distinct individuals counted this year (China time) for one scope.</summary>
/// <param name="Year">The China calendar year counted.</param>
/// <param name="NonSensitive">Non-sensitive individuals.</param>
/// <param name="Sensitive">Sensitive individuals.</param>
public readonly record struct VolumeTotals(int Year, long NonSensitive, long Sensitive);
