using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Records;

/// <summary>
/// One transfer or refusal, as the ledger keeps it. Raw personal information never appears here:
/// no URL path, query or body is stored. The tamper-evident ledger keeps this type and its query.
/// </summary>
public sealed record TransferRecord
{
    /// <summary>Reference id (UUIDv7, time-ordered): shown on the block page and in <c>X-EgressGuard-Reference</c>.</summary>
    public required Guid Id { get; init; }

    /// <summary>When the decision was taken (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>HTTP request or CONNECT tunnel.</summary>
    public required TransferKind Kind { get; init; }

    /// <summary>Client IP address.</summary>
    public required string Client { get; init; }

    /// <summary>Requested host, as normalised for the decision (may be an IP literal); empty when the client was refused before naming one.</summary>
    public required string Host { get; init; }

    /// <summary>The one address dialled (or that would have been); null when the name did not resolve.</summary>
    public string? Ip { get; init; }

    /// <summary>Destination port.</summary>
    public int Port { get; init; }

    /// <summary>Destination country (ISO 3166-1 alpha-2); null when unknown.</summary>
    public string? Country { get; init; }

    /// <summary>Whether the destination is outside the home jurisdictions.</summary>
    public bool Outbound { get; init; }

    /// <summary>The mode in force.</summary>
    public EnforcementMode Mode { get; init; }

    /// <summary>Allow, Block, Report ("would block" in Monitor) or Failed.</summary>
    public required TransferVerdict Decision { get; init; }

    /// <summary>Why.</summary>
    public required ReasonCode Reason { get; init; }

    /// <summary>The covering assessment record's id, when one covered the transfer.</summary>
    public string? AssessmentId { get; init; }

    /// <summary>HTTP method (CONNECT for tunnels).</summary>
    public string? Method { get; init; }

    /// <summary>HTTP status the client received (200 for an established tunnel, 403 refused, 502 failed…).</summary>
    public int Status { get; init; }

    /// <summary>Bytes from client to destination (request body, or tunnel bytes up).</summary>
    public long BytesUp { get; init; }

    /// <summary>Bytes from destination to client (response body, or tunnel bytes down).</summary>
    public long BytesDown { get; init; }

    /// <summary>Time from decision to the end of the exchange or tunnel.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// Content inspection: null when the content was not inspected (domestic, tunnel, inspection
    /// off); otherwise <c>Complete</c>, <c>Partial</c> (a decoder limit or malformed content; what
    /// could be read was scanned) or <c>Stopped</c> (a finding after the hold window stopped the
    /// streamed upload).
    /// </summary>
    public string? Inspection { get; init; }

    /// <summary>Personal information found, one entry per type (empty when none or not inspected).</summary>
    public IReadOnlyList<FindingSummary> Findings { get; init; } = [];

    /// <summary>Build date of the country database that resolved the destination (ISO 8601), for reproducing the geo answer later.</summary>
    public string? GeoDatabaseBuild { get; init; }

    /// <summary>Value equality over every field, the findings compared element by element.</summary>
    public bool Equals(TransferRecord? other) =>
        other is not null
        && Id == other.Id && Time == other.Time && Kind == other.Kind && Client == other.Client && Host == other.Host
        && Ip == other.Ip && Port == other.Port && Country == other.Country && Outbound == other.Outbound && Mode == other.Mode
        && Decision == other.Decision && Reason == other.Reason && AssessmentId == other.AssessmentId && Method == other.Method
        && Status == other.Status && BytesUp == other.BytesUp && BytesDown == other.BytesDown && Duration == other.Duration
        && GeoDatabaseBuild == other.GeoDatabaseBuild && Inspection == other.Inspection
        && Findings.SequenceEqual(other.Findings);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Time, Decision, Reason, Host, Findings.Count);
}
