namespace EgressGuard.Ledger.Canonical;

/// <summary>Why bytes are not a canonical ledger entry.</summary>
public enum CanonicalDecodeError
{
    /// <summary>The bytes are a canonical entry.</summary>
    None = 0,

    /// <summary>The data ends before the entry does (including a length prefix running past the end).</summary>
    Truncated,

    /// <summary>The version byte is not one this build reads.</summary>
    UnsupportedVersion,

    /// <summary>The entry-kind byte is not a <see cref="LedgerEntryKind"/>.</summary>
    UnknownEntryKind,

    /// <summary>A boolean byte is neither 0x00 nor 0x01.</summary>
    InvalidBoolean,

    /// <summary>A nullable string's presence byte is neither 0x00 (null) nor 0x01 (present).</summary>
    InvalidPresenceFlag,

    /// <summary>A string is not well-formed UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A time or duration is outside the range .NET can represent.</summary>
    TimeOutOfRange,

    /// <summary>A count (of findings) is negative.</summary>
    InvalidCount,

    /// <summary>Bytes follow the end of the entry.</summary>
    TrailingBytes,
}
