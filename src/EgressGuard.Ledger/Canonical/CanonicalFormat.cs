namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// Constants of the canonical entry encoding (the bytes that are hashed into the Merkle tree). The
/// full byte layout is in <c>src/EgressGuard.Ledger/README.md</c>; every integer is big-endian.
/// </summary>
public static class CanonicalFormat
{
    /// <summary>The first (and current) layout: an 18-byte header, then the kind's payload.</summary>
    public const byte Version1 = 1;

    /// <summary>The version this build writes.</summary>
    public const byte CurrentVersion = Version1;

    /// <summary>Bytes in the header: version (1), kind (1), sequence (8), time (8).</summary>
    public const int HeaderLength = 18;

    /// <summary>Offset of the entry kind byte.</summary>
    public const int KindOffset = 1;

    /// <summary>Offset of the big-endian 64-bit sequence number.</summary>
    public const int SequenceOffset = 2;

    /// <summary>Offset of the big-endian signed 64-bit time in Unix microseconds.</summary>
    public const int TimeOffset = 10;

    /// <summary>Presence byte of a nullable string that is null.</summary>
    public const byte Absent = 0x00;

    /// <summary>Presence byte of a nullable string that has a value (the string follows).</summary>
    public const byte Present = 0x01;
}
