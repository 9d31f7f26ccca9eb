namespace EgressGuard.Ledger.Export;

/// <summary>What <see cref="LedgerExporter.Export"/> wrote, or why it could not.</summary>
public sealed record ExportResult
{
    /// <summary>Entries written.</summary>
    public ulong Records { get; init; }

    /// <summary>First sequence number exported (a checkpoint boundary at or before the requested start).</summary>
    public ulong FirstSequence { get; init; }

    /// <summary>One past the last sequence exported.</summary>
    public ulong EndSequence { get; init; }

    /// <summary>Checkpoints included.</summary>
    public int Checkpoints { get; init; }

    /// <summary>Why nothing was exported; null on success.</summary>
    public string? Error { get; init; }
}
