namespace EgressGuard.Proxy.Tls.ClientHello;

/// <summary>What a ClientHello says that the proxy needs.</summary>
/// <param name="Status">Parse outcome.</param>
/// <param name="ServerName">The SNI host name (lower-case ASCII), or null when the client sent none.</param>
/// <param name="EncryptedClientHello">The client offered ECH (<c>encrypted_client_hello</c>): the real name is hidden, so the connection cannot be inspected by name.</param>
/// <param name="Length">Bytes of the connection the hello's records occupy (when <see cref="Status"/> is Complete).</param>
public readonly record struct ClientHelloInfo(ClientHelloStatus Status, string? ServerName, bool EncryptedClientHello, int Length)
{
    /// <summary>A non-complete outcome.</summary>
    public static ClientHelloInfo Of(ClientHelloStatus status) => new(status, null, false, 0);
}
