namespace EgressGuard.Inspection;

/// <summary>What a payload is, from its HTTP headers.</summary>
/// <param name="ContentType">The Content-Type header value (media type and parameters such as <c>charset</c> and <c>boundary</c>), or null when absent: the scanner then sniffs JSON and otherwise treats the bytes as UTF-8 text.</param>
/// <param name="ContentEncoding">The Content-Encoding header value (<c>gzip</c>, <c>deflate</c>, <c>br</c>, a comma-separated list, or null for identity).</param>
/// <param name="Location">Prefix of every finding's <see cref="PiiFinding.Location"/>; <c>body</c> when null.</param>
public readonly record struct ContentDescriptor(string? ContentType = null, string? ContentEncoding = null, string? Location = null);
