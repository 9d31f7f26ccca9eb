namespace EgressGuard.Proxy.Tls.ClientHello;

/// <summary>Outcome of peeking at the first bytes of a connection for a TLS ClientHello.</summary>
public enum ClientHelloStatus
{
    /// <summary>A whole ClientHello was read; see <see cref="ClientHelloInfo"/>.</summary>
    Complete = 0,

    /// <summary>The bytes so far are a valid prefix; read more.</summary>
    Incomplete = 1,

    /// <summary>The first byte is not a TLS handshake record: not TLS (plain HTTP, something else).</summary>
    NotTls = 2,

    /// <summary>TLS framing, but the hello is broken (bad lengths, wrong message, bad server name).</summary>
    Malformed = 3,

    /// <summary>The hello is longer than the parser's bound.</summary>
    TooLarge = 4,
}
