namespace EgressGuard.Policy.Decisions;

/// <summary>
/// Why a transfer got its verdict. The enumerated, documented list that appears on the block page,
/// in the <c>X-EgressGuard-Reason</c> header and in the ledger (by name). Never renumber: the
/// ledger stores names, but tools may persist the numbers.
/// </summary>
public enum ReasonCode
{
    /// <summary>The destination country is a home jurisdiction: not a cross-border transfer.</summary>
    Domestic = 1,

    /// <summary>Outbound, and a valid assessment record covers the destination.</summary>
    CoveredByAssessment = 2,

    /// <summary>Outbound, and no record matches the destination.</summary>
    NoAssessment = 3,

    /// <summary>Outbound; a record matches but its validity ended.</summary>
    AssessmentExpired = 4,

    /// <summary>Outbound; a record matches but its validity has not begun.</summary>
    AssessmentNotYetValid = 5,

    /// <summary>The destination resolved to a loopback, private, link-local, CGNAT, multicast, metadata or reserved address not in <c>Proxy.AllowPrivateDestinations</c>.</summary>
    PrivateDestination = 6,

    /// <summary>The client address is not in <c>Proxy.AllowedClients</c>.</summary>
    ClientNotAllowed = 7,

    /// <summary>A CONNECT to a port not in <c>Proxy.ConnectPorts</c>.</summary>
    PortNotAllowed = 8,

    /// <summary>The destination name did not resolve (no transfer took place).</summary>
    DestinationUnresolvable = 9,

    /// <summary>Allowed, but the origin could not be reached or failed mid-transfer.</summary>
    UpstreamUnreachable = 10,

    /// <summary>Allowed, but the concurrent-tunnel cap (<c>Proxy.MaxConcurrentTunnels</c>) was reached.</summary>
    TunnelLimitReached = 11,

    /// <summary>Outbound, content inspected, and no personal information found: not a personal-information transfer.</summary>
    NoPersonalInformation = 12,

    /// <summary>Outbound with personal information; a record covers the destination but not every type found.</summary>
    CategoryNotCovered = 13,

    /// <summary>Outbound; a record matches but has been revoked.</summary>
    AssessmentRevoked = 14,

    /// <summary>Outbound with sensitive personal information; a record covers the types found but not sensitive information.</summary>
    SensitiveNotCovered = 15,

    /// <summary>Outbound; the transfer brings a new individual past what the covering record's mechanism allows (Policy:Thresholds).</summary>
    VolumeTierExceeded = 16,

    /// <summary>Outbound from a source group at MLPS level 3 or more, and no record covers the destination: refused whatever the content.</summary>
    MlpsDefaultDeny = 17,

    /// <summary>Outbound content that could not be inspected (a CONNECT tunnel not intercepted), handled per the group's <c>Uninspected</c> setting.</summary>
    Uninspected = 18,

    /// <summary>TLS interception: the upstream server's certificate is invalid, expired, revoked, untrusted or names another host; nothing was sent.</summary>
    UpstreamCertificateInvalid = 19,

    /// <summary>Outbound, refused because the ledger cannot record it (<c>Ledger.FailMode</c> Closed: disk full, writer behind, tail not verified).</summary>
    LedgerUnavailable = 20,
}
