namespace EgressGuard.Policy.Registry;

/// <summary>What an import did.</summary>
/// <param name="Added">New records created.</param>
/// <param name="Changed">Existing records given a new version.</param>
/// <param name="Unchanged">Records identical to the stored version (no new version).</param>
/// <param name="Errors">Every problem; nothing is stored when validation fails.</param>
public sealed record RegistryImportResult(int Added, int Changed, int Unchanged, IReadOnlyList<string> Errors)
{
    /// <summary>Whether the import stored everything.</summary>
    public bool Succeeded => Errors.Count == 0;
}
