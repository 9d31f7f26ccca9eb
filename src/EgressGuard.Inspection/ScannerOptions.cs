namespace EgressGuard.Inspection;

/// <summary>Immutable scanner configuration; build a new <see cref="PiiScanner"/> to change it.</summary>
public sealed record ScannerOptions
{
    /// <summary>Appliance secret for fingerprints (HMAC-SHA256 key, at least 16 bytes). Required.</summary>
    public required ReadOnlyMemory<byte> FingerprintKey { get; init; }

    /// <summary>Canonical type names to report (<see cref="PiiTypes"/>); null (the default) enables all.</summary>
    public IReadOnlySet<string>? EnabledTypes { get; init; }

    /// <summary>Cap on decoded bytes per payload; beyond it scanning stops with <see cref="DecodeStatus.SizeLimitExceeded"/>. Default 64 MiB.</summary>
    public long MaxDecodedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Decoded/compressed ratio above which decompression is refused as a bomb (after the first 1 MiB). Default 100.</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>JSON nesting tracked for field paths; deeper values are still scanned, with a truncated path. Default 64.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Findings kept per payload; more are counted in <see cref="ScanResult.FindingsDropped"/>. Default 1000.</summary>
    public int MaxFindings { get; init; } = 1000;

    /// <summary>Date used for birth-date plausibility; null (the default) means today (UTC) when the scanner is built.</summary>
    public DateOnly? Today { get; init; }
}
