using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Registry;

/// <summary>One stored version with who made it, when, and what changed: what goes into the ledger as an AssessmentChange entry.</summary>
/// <param name="Id">Record id.</param>
/// <param name="Version">Version number (1 = created).</param>
/// <param name="Actor">Who made the change (user, API key name, <c>file:PATH</c> for an import).</param>
/// <param name="Time">When it was stored.</param>
/// <param name="Change">What changed: <c>created</c>, <c>changed: Field, Field</c>, <c>revoked: reason</c>.</param>
/// <param name="Record">The record as stored in this version.</param>
public sealed record AssessmentChange(string Id, int Version, string Actor, DateTimeOffset Time, string Change, AssessmentRecord Record);
