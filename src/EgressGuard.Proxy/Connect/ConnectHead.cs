namespace EgressGuard.Proxy.Connect;

/// <summary>A parsed CONNECT request head.</summary>
/// <param name="Host">Target host: a DNS name as sent, or an IP literal without brackets.</param>
/// <param name="Port">Target port, 1–65535.</param>
/// <param name="HeadLength">Bytes the head occupied, including the final blank line.</param>
/// <param name="Error">For <see cref="ConnectParseStatus.Malformed"/>: what was wrong, for the 400 body.</param>
public readonly record struct ConnectHead(string Host, int Port, int HeadLength, string? Error);
