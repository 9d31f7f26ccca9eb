namespace EgressGuard.Ledger.Verification;

/// <summary>The first problem found, naming the record or checkpoint.</summary>
public sealed record LedgerFailure
{
    /// <summary>What kind of tampering or damage.</summary>
    public required LedgerFailureKind Kind { get; init; }

    /// <summary>The first bad record's sequence number (or the first of a bad range); null when the problem is a checkpoint alone.</summary>
    public ulong? Sequence { get; init; }

    /// <summary>For a range (records between two checkpoints, a run of deleted records): the last sequence number in it.</summary>
    public ulong? LastSequence { get; init; }

    /// <summary>Position (0-based) of the checkpoint involved in the list given to the verifier; null when none is.</summary>
    public int? CheckpointIndex { get; init; }

    /// <summary>The involved checkpoint's own number line, when it could be read.</summary>
    public ulong? CheckpointNumber { get; init; }

    /// <summary>A sentence for the auditor.</summary>
    public required string Message { get; init; }
}
