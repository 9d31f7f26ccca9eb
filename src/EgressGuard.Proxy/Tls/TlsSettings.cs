namespace EgressGuard.Proxy.Tls;

/// <summary>Validated, immutable TLS interception settings (<c>Tls</c> section).</summary>
public sealed record TlsSettings
{
    /// <summary><c>Tls:Mode</c>: Off (default) or Intercept.</summary>
    public TlsMode Mode { get; init; } = TlsMode.Off;

    /// <summary>
    /// <c>Tls:CaCertificate</c>: PEM file of an existing CA to import, absolute; null = the appliance
    /// generates its own CA at first start under <c>{DataDirectory}/tls/</c>.
    /// </summary>
    public string? CaCertificate { get; init; }

    /// <summary><c>Tls:CaKey</c>: PEM private key of the imported CA (mode 0600, never world-readable), absolute.</summary>
    public string? CaKey { get; init; }

    /// <summary><c>Tls:UpstreamTrust</c>: extra CA certificate PEM files trusted for upstream servers besides the system store.</summary>
    public IReadOnlyList<string> UpstreamTrust { get; init; } = [];

    /// <summary><c>Tls:Bypass</c>: hosts (exact) and <c>*.suffix</c> patterns that are spliced, never intercepted.</summary>
    public HostPatternList Bypass { get; init; } = HostPatternList.Empty;

    /// <summary>
    /// <c>Tls:SpliceAfterFailure</c>: after a client refuses the minted certificate (pinning, its own
    /// trust store), its next connections to that host are spliced for this long. Default 1 h.
    /// </summary>
    public TimeSpan SpliceAfterFailure { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>Tls:CertificateCacheSize</c>: minted leaf certificates kept (bounded). Default 10,000.</summary>
    public int CertificateCacheSize { get; init; } = 10_000;
}
