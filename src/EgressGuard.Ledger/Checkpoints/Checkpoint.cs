using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// A signed statement of the ledger's state: the first <see cref="TreeSize"/> entries have Merkle root
/// <see cref="RootHash"/>. Serialised as a C2SP tlog-checkpoint body with three extension lines
/// (see <see cref="CheckpointNote"/> and the ledger README).
/// </summary>
public sealed record Checkpoint
{
    /// <summary>The log's identity (the appliance id), e.g. <c>egressguard.example/appliance-7f3a</c>: non-empty, no spaces, no '+'.</summary>
    public required string Origin { get; init; }

    /// <summary>Number of entries covered (sequence numbers 0 to TreeSize − 1).</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>RFC 9162 root over those entries' leaf hashes.</summary>
    public required MerkleHash RootHash { get; init; }

    /// <summary>When it was signed (UTC; written with microsecond precision, finer ticks dropped).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Whether the clock behind <see cref="Time"/> was synchronised.</summary>
    public ClockSyncState ClockSync { get; init; }

    /// <summary>
    /// Position of this checkpoint among all the appliance has signed (0, 1, 2, …), so an auditor sees
    /// a dropped checkpoint as a gap.
    /// </summary>
    public required ulong Number { get; init; }
}
