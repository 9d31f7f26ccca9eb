namespace EgressGuard.Proxy.Tls;

/// <summary>What the proxy does with TLS inside a <c>CONNECT</c> tunnel (<c>Tls:Mode</c>).</summary>
public enum TlsMode
{
    /// <summary>Never intercept: tunnels are spliced (relayed as opaque bytes). The default.</summary>
    Off = 0,

    /// <summary>Terminate TLS with a certificate minted by the appliance CA, inspect, and forward over a new, validated TLS connection.</summary>
    Intercept = 1,
}
