namespace EgressGuard.Inspection;

/// <summary>How far the content could be decoded. Anything but <see cref="Ok"/> means part of it was not inspected.</summary>
public enum DecodeStatus
{
    /// <summary>Everything was decoded and scanned.</summary>
    Ok,

    /// <summary>Compressed data ended early (gzip length check, brotli stream not finished); what was decoded was scanned.</summary>
    Truncated,

    /// <summary>Decompression exceeded <see cref="ScannerOptions.MaxCompressionRatio"/>: a decompression bomb, refused and not inflated further.</summary>
    BombRefused,

    /// <summary>Decoded output exceeded <see cref="ScannerOptions.MaxDecodedBytes"/>; the rest was not scanned.</summary>
    SizeLimitExceeded,

    /// <summary>The Content-Encoding is not one of gzip, x-gzip, deflate, br, identity; the body was not scanned.</summary>
    UnsupportedEncoding,

    /// <summary>Compressed data was corrupt; what was decoded before the error was scanned.</summary>
    Malformed,

    /// <summary>The media type carries no text (image, audio, video, font); not scanned.</summary>
    NotScanned,
}
