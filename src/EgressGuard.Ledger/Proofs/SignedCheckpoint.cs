namespace EgressGuard.Ledger.Proofs;

/// <summary>A stored checkpoint as a proof carries it: its number, the tree size it signs and the signed note text.</summary>
/// <param name="Number">The checkpoint's sequence number (gap-free from 0).</param>
/// <param name="TreeSize">How many entries the signed root covers.</param>
/// <param name="Note">The C2SP signed note, verbatim.</param>
public sealed record SignedCheckpoint(long Number, ulong TreeSize, string Note);
