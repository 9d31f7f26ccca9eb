namespace EgressGuard.Geo.Mmdb;

/// <summary>The metadata fields of a MaxMind DB file that the verifier needs, read by our own decoder.</summary>
internal sealed record MmdbMetadata
{
    /// <summary><c>binary_format_major_version</c>; only 2 is supported.</summary>
    public required ulong BinaryFormatMajorVersion { get; init; }

    /// <summary><c>binary_format_minor_version</c>.</summary>
    public required ulong BinaryFormatMinorVersion { get; init; }

    /// <summary><c>node_count</c>: number of nodes in the search tree.</summary>
    public required uint NodeCount { get; init; }

    /// <summary><c>record_size</c> in bits: 24, 28 or 32.</summary>
    public required int RecordSize { get; init; }

    /// <summary><c>ip_version</c>: 4 or 6.</summary>
    public required int IPVersion { get; init; }

    /// <summary><c>database_type</c>, e.g. <c>GeoLite2-Country</c> or <c>country ipvAll</c>.</summary>
    public required string DatabaseType { get; init; }

    /// <summary><c>build_epoch</c> as a UTC time.</summary>
    public required DateTimeOffset BuildDate { get; init; }
}
