using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Tests.Checkpoints;

/// <summary>Checkpoints and keys for the checkpoint and verification tests.</summary>
internal static class CheckpointSamples
{
    public const string Origin = "egressguard.example/appliance-7f3a";

    public static Checkpoint Create(ulong size = 20852163, ulong number = 42, MerkleHash? root = null) => new()
    {
        Origin = Origin,
        TreeSize = size,
        RootHash = root ?? TreeHasher.HashLeaf("root"u8),
        Time = new DateTimeOffset(2026, 3, 1, 0, 1, 0, TimeSpan.Zero).AddTicks(1_234_560),
        ClockSync = ClockSyncState.Synchronized,
        Number = number,
    };
}
