namespace EgressGuard.Policy.Volume;

/// <summary>One person found in a transfer: the keys (truncated fingerprints) of every identifier they carried, sensitive or not.</summary>
/// <param name="Sensitive">Counted in the sensitive tally (the identifiers are sensitive types).</param>
/// <param name="Keys">The identifiers' keys; the person is new only when none of them has been counted before.</param>
public sealed record Individual(bool Sensitive, IReadOnlyList<UInt128> Keys);
