namespace EgressGuard.Policy.Volume;

/// <summary>
/// What the volume counter knows about one transfer, given to the decision: the processor's distinct
/// individuals so far this year and how many individuals in this transfer are new. <c>default</c>: none.
/// </summary>
/// <param name="NonSensitive">Non-sensitive individuals counted so far this year.</param>
/// <param name="Sensitive">Sensitive individuals counted so far this year.</param>
/// <param name="NewNonSensitive">Individuals in this transfer not yet counted (non-sensitive).</param>
/// <param name="NewSensitive">Individuals in this transfer not yet counted (sensitive).</param>
public readonly record struct VolumeFacts(long NonSensitive, long Sensitive, int NewNonSensitive, int NewSensitive);
