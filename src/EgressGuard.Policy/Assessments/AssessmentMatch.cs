namespace EgressGuard.Policy.Assessments;

/// <summary>The outcome of looking a destination up in the assessment index.</summary>
/// <param name="Covering">The first record (in file order) that matches and is valid now, or null.</param>
/// <param name="Miss">When nothing covers: why the first matching record did not (expired, not yet valid, revoked, categories), or null if none matched at all.</param>
/// <param name="DestinationCovered">An active, valid record for this source group matches the destination, whatever the content (the MLPS default-deny test).</param>
public readonly record struct AssessmentMatch(AssessmentRecord? Covering, AssessmentValidity? Miss, bool DestinationCovered = false);
