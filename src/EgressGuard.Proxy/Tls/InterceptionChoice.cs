namespace EgressGuard.Proxy.Tls;

/// <summary>Whether a tunnel is intercepted, and if not, why (the value lands in the record's <c>inspection</c> field).</summary>
public enum InterceptionChoice
{
    /// <summary>Interception is off for this client: a plain tunnel, as without TLS support.</summary>
    Tunnel = 0,

    /// <summary>Terminate TLS with a minted certificate and inspect.</summary>
    Intercept = 1,

    /// <summary>The host is in <c>Tls:Bypass</c>: spliced, recorded as <c>Bypassed</c>.</summary>
    Bypassed = 2,

    /// <summary>This client refused our certificate for this host recently: spliced, recorded as <c>Spliced</c>.</summary>
    Spliced = 3,
}
