namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// What a ledger entry records: the discriminator byte at offset 1 of every canonical encoding.
/// Values are part of the hashed format: never renumber, only add.
/// </summary>
public enum LedgerEntryKind : byte
{
    /// <summary>One transfer or refusal (<see cref="Records.TransferRecord"/>).</summary>
    Transfer = 1,

    /// <summary>Whole partitions were purged by retention (<see cref="LedgerEvent"/>): the range, record count and root at purge.</summary>
    Purge = 2,

    /// <summary>The checkpoint signing key was rotated (<see cref="LedgerEvent"/>): old and new public keys.</summary>
    KeyRotation = 3,

    /// <summary>An assessment record was added, changed or withdrawn (<see cref="LedgerEvent"/>).</summary>
    AssessmentChange = 4,

    /// <summary>A legal hold was placed or released (<see cref="LedgerEvent"/>).</summary>
    LegalHold = 5,
}
