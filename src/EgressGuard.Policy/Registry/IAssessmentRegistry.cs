// src/EgressGuard.Policy/Registry/IAssessmentRegistry.cs
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Registry;

/// <summary>The assessment registry: current records, their history, and validated changes. Every change makes a new version.</summary>
public interface IAssessmentRegistry
{
    /// <summary>The latest version of every record.</summary>
    IReadOnlyList<AssessmentRecord> Current();

    /// <summary>The latest version of one record, or null.</summary>
    AssessmentRecord? Find(string id);

    /// <summary>Every version of one record, oldest first (empty when unknown).</summary>
    IReadOnlyList<AssessmentRecord> History(string id);

    /// <summary>Validates and stores a new record (version 1). Errors list every problem; nothing is stored on error.</summary>
    RegistryResult Create(AssessmentRecord record, string actor);

    /// <summary>Validates and stores a new version of an existing record.</summary>
    RegistryResult Update(AssessmentRecord record, string actor);

    /// <summary>Marks a record revoked (a new version); it stops covering at once.</summary>
    RegistryResult Revoke(string id, string actor, string reason);
}

/// <summary>The outcome of a registry change.</summary>
public sealed record RegistryResult(RegistryOutcome Outcome, AssessmentRecord? Record, IReadOnlyList<string> Errors);

/// <summary>What a registry change did.</summary>
public enum RegistryOutcome { Stored, Invalid, NotFound, Conflict }
