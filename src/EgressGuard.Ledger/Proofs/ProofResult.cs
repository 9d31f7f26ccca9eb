namespace EgressGuard.Ledger.Proofs;

/// <summary>A built proof, or why there is none.</summary>
/// <typeparam name="T"><see cref="InclusionProof"/> or <see cref="ConsistencyProof"/>.</typeparam>
public sealed record ProofResult<T>
    where T : class
{
    /// <summary>The proof when <see cref="Error"/> is <see cref="ProofError.None"/>.</summary>
    public T? Proof { get; init; }

    /// <summary>What went wrong.</summary>
    public ProofError Error { get; init; }

    /// <summary>A sentence for the operator.</summary>
    public string Message { get; init; } = string.Empty;

    internal static ProofResult<T> Fail(ProofError error, string message) => new() { Error = error, Message = message };
}
