namespace EgressGuard.Ledger.Checkpoints;

/// <summary>Why a checkpoint note was refused.</summary>
public enum CheckpointError
{
    /// <summary>Well-formed and signed by a trusted key.</summary>
    None = 0,

    /// <summary>Larger than <see cref="CheckpointNote.MaxNoteBytes"/>.</summary>
    TooLarge,

    /// <summary>Not UTF-8, or contains a control character other than newline.</summary>
    InvalidText,

    /// <summary>No blank line separating text from signatures, or no signature lines.</summary>
    MissingSignatures,

    /// <summary>A signature line is not <c>— name base64</c> with at least five signature bytes.</summary>
    MalformedSignatureLine,

    /// <summary>More than <see cref="CheckpointNote.MaxSignatures"/> signature lines.</summary>
    TooManySignatures,

    /// <summary>Fewer than three lines, an empty line, or a bad origin line.</summary>
    MalformedOrigin,

    /// <summary>The size line is not a decimal without leading zeros that fits 64 bits.</summary>
    MalformedTreeSize,

    /// <summary>The root line is not canonical base64 of 32 bytes.</summary>
    MalformedRootHash,

    /// <summary>A <c>time</c>, <c>clock</c> or <c>number</c> line is malformed or repeated.</summary>
    MalformedExtension,

    /// <summary>A <c>time</c>, <c>clock</c> or <c>number</c> line is missing.</summary>
    MissingExtension,

    /// <summary>No signature line is from a trusted key (name and key id).</summary>
    UnknownSigner,

    /// <summary>A signature from a trusted key does not verify: the text was altered or the signature forged.</summary>
    BadSignature,
}
