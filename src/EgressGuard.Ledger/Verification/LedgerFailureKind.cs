namespace EgressGuard.Ledger.Verification;

/// <summary>What the verifier found wrong first.</summary>
public enum LedgerFailureKind
{
    /// <summary>Records differ from what a signed checkpoint covers (a field changed), or a record's stored leaf hash does not match it.</summary>
    Modified = 1,

    /// <summary>Sequence numbers skip: records are missing (deleted) in the middle.</summary>
    Deleted,

    /// <summary>A record that does not belong: a repeated or out-of-place sequence number.</summary>
    Inserted,

    /// <summary>Records are out of order (a record appears after one with a higher sequence number).</summary>
    Reordered,

    /// <summary>A signed checkpoint covers more records than are present: the log was cut short.</summary>
    Truncated,

    /// <summary>Bytes that are not a canonical entry (corrupt or hand-edited).</summary>
    MalformedRecord,

    /// <summary>A checkpoint note that cannot be parsed.</summary>
    MalformedCheckpoint,

    /// <summary>A checkpoint whose signature from a trusted key does not verify, or that no trusted key signed.</summary>
    BadSignature,

    /// <summary>A checkpoint with another origin (another appliance's log).</summary>
    WrongOrigin,

    /// <summary>A gap in checkpoint numbers: a checkpoint was removed.</summary>
    MissingCheckpoint,

    /// <summary>Checkpoints contradict each other: size going down, numbers out of order, or two roots for one size.</summary>
    InconsistentCheckpoints,

    /// <summary>A checkpoint outside the verified records came without the consistency proof needed to check it, or the start state is unusable.</summary>
    MissingProof,
}
