using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Verification;

/// <summary>
/// One stored entry as the verifier reads it: the position the store gives it and its canonical
/// bytes (re-encoded from columns, or read back from an export). <see cref="Encoding"/> need only
/// stay valid until the enumerator moves on, so a reader may reuse one buffer.
/// </summary>
/// <param name="Sequence">The sequence number the store holds for the entry (its key column).</param>
/// <param name="Encoding">The canonical encoding (see <see cref="Canonical.CanonicalEncoder"/>).</param>
/// <param name="StoredLeafHash">
/// The leaf hash the store kept for the entry, if any: a mismatch names the exact modified record
/// instead of only the range between two checkpoints. Not trusted for anything else.
/// </param>
public readonly record struct EncodedLedgerEntry(ulong Sequence, ReadOnlyMemory<byte> Encoding, MerkleHash? StoredLeafHash = null);
