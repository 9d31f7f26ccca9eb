namespace EgressGuard.Geo.Mmdb;

/// <summary>What <see cref="MmdbVerifier"/> learned about a sound image.</summary>
/// <param name="Metadata">The metadata.</param>
/// <param name="Records">Every distinct data record the search tree reaches, with an address that reaches it.</param>
internal sealed record MmdbVerification(MmdbMetadata Metadata, IReadOnlyList<MmdbRecordProbe> Records);
