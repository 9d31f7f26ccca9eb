namespace EgressGuard.Ledger.Checkpoints;

/// <summary>The outcome of opening a checkpoint note: the checkpoint, or why it was refused.</summary>
public sealed record CheckpointVerification
{
    /// <summary>What was wrong; <see cref="CheckpointError.None"/> when the note verified.</summary>
    public required CheckpointError Error { get; init; }

    /// <summary>A sentence for people (which line, which key); empty when valid.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>The verified checkpoint; null unless <see cref="IsValid"/>.</summary>
    public Checkpoint? Checkpoint { get; init; }

    /// <summary>The trusted key whose signature verified; null unless <see cref="IsValid"/>.</summary>
    public CheckpointPublicKey? Signer { get; init; }

    /// <summary>Whether the note is well-formed and signed by a trusted key.</summary>
    public bool IsValid => Error == CheckpointError.None;

    internal static CheckpointVerification Fail(CheckpointError error, string message) => new() { Error = error, Message = message };
}
