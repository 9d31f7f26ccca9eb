using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EgressGuard.Geo;
using EgressGuard.Inspection;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Policy.Volume;
using EgressGuard.Proxy.Configuration;

namespace EgressGuard.Proxy.Flows;

/// <summary>
/// The common front of every listener: client check → resolve the name once → geo → decision.
/// The address returned is the only one the flow may dial (no second DNS lookup, so no DNS
/// rebinding between decision and connection).
/// </summary>
public sealed class FlowDecider
{
    private readonly PolicyStore _policy;
    private readonly CountryResolver _geo;
    private readonly IHostResolver _resolver;
    private readonly TimeProvider _time;
    private readonly ProxySettings _settings;
    private readonly VolumeCounter? _volume;

    /// <summary>Creates the decider; <paramref name="volume"/> counts individuals per record and processor (none: no volume tiers).</summary>
    public FlowDecider(PolicyStore policy, CountryResolver geo, IHostResolver resolver, TimeProvider time, ProxySettings settings, VolumeCounter? volume = null)
    {
        _volume = volume;
        _policy = policy;
        _geo = geo;
        _resolver = resolver;
        _time = time;
        _settings = settings;
        GeoDatabaseBuild = geo.Database.BuildDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Build date of the country database, as written into records.</summary>
    public string GeoDatabaseBuild { get; }

    /// <summary>The policy store (for health output).</summary>
    public PolicyStore Policy => _policy;

    /// <summary>The clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>Whether a client may use the proxy at all, under the current snapshot.</summary>
    public bool IsClientAllowed(IPAddress client) => _policy.Current.AllowedClients.Contains(client);

    /// <summary>A decision for a client refused before it named any destination.</summary>
    public FlowDecision RefuseClient(IPAddress client)
    {
        var now = _time.GetUtcNow();
        return new FlowDecision(ReferenceIds.NewVersion7(now), now, _policy.Current, client, string.Empty, 0, null, null,
            new TransferDecision(TransferVerdict.Block, ReasonCode.ClientNotAllowed, false, null));
    }

    /// <summary>
    /// Decides a flow to <paramref name="host"/>:<paramref name="port"/>. With <paramref name="dialled"/>
    /// (transparent mode: the address the client really connected to) nothing else may be dialled:
    /// the host named by the client (Host header, SNI) is kept only when it resolves to that address,
    /// otherwise the flow is decided as the bare address (a client cannot borrow another name's record).
    /// </summary>
    public async ValueTask<FlowDecision> DecideAsync(IPAddress client, string host, int port, bool tunnel, CancellationToken cancellationToken, IPAddress? dialled = null)
    {
        var policy = _policy.Current;
        var now = _time.GetUtcNow();
        var id = ReferenceIds.NewVersion7(now);
        host = HostName.Normalize(host);
        if (!policy.AllowedClients.Contains(client))
        {
            return new FlowDecision(id, now, policy, client, host, port, null, null,
                new TransferDecision(TransferVerdict.Block, ReasonCode.ClientNotAllowed, false, null));
        }

        if (dialled is not null && !await ResolvesToAsync(host, dialled, cancellationToken))
        {
            host = dialled.ToString();
        }

        var destination = dialled ?? await ResolveAsync(host, cancellationToken);
        if (destination is null)
        {
            return new FlowDecision(id, now, policy, client, host, port, null, null,
                new TransferDecision(TransferVerdict.Failed, ReasonCode.DestinationUnresolvable, false, null));
        }

        var country = _geo.Resolve(destination).Country;
        var context = new TransferContext(client, host, destination, port, country, tunnel);
        var decision = TransferPolicy.Decide(policy, context, now);
        return new FlowDecision(id, now, policy, client, host, port, destination, country, decision);
    }

    /// <summary>
    /// Decides the flow again with what inspection found (same snapshot, same time: the flow sees
    /// one policy from start to end). Only personal findings count (an organisation code is reported
    /// but is not personal information).
    /// </summary>
    public FlowDecision Redecide(FlowDecision flow, IReadOnlyList<PiiFinding> findings, string inspection)
    {
        List<string>? types = null;
        List<PersonalValue>? values = null;
        var sensitive = false;
        foreach (var finding in findings)
        {
            if (!finding.Personal)
            {
                continue;
            }

            sensitive |= finding.Sensitive;
            (values ??= []).Add(new PersonalValue(finding.Fingerprint, finding.Sensitive, finding.Location));
            types ??= [];
            if (!types.Contains(finding.Type))
            {
                types.Add(finding.Type);
            }
        }

        var content = types is null ? ContentFindings.Clean : new ContentFindings(true, types, sensitive);
        var context = new TransferContext(flow.Client, flow.Host, flow.Destination!, flow.Port, flow.Country, false, content);
        // Only transfers carrying personal information reach the counter (and its lock).
        var decision = values is not null && _volume is not null
            ? _volume.DecideAndCount(flow.Policy, context, flow.Time, IndividualGrouping.Group(values))
            : TransferPolicy.Decide(flow.Policy, context, flow.Time);
        return flow with { Decision = decision, Findings = findings, Inspection = inspection };
    }

    /// <summary>The ledger record of a finished (or refused) flow.</summary>
    public TransferRecord ToRecord(FlowDecision flow, TransferKind kind, string? method, int status, long bytesUp, long bytesDown, TransferVerdict? verdictOverride = null, ReasonCode? reasonOverride = null) => new()
    {
        Id = flow.Id,
        Time = flow.Time,
        Kind = kind,
        Client = flow.Client.IsIPv4MappedToIPv6 ? flow.Client.MapToIPv4().ToString() : flow.Client.ToString(),
        Host = flow.Host,
        Ip = flow.Destination?.ToString(),
        Port = flow.Port,
        Country = flow.Country,
        Outbound = flow.Decision.Outbound,
        Mode = flow.Decision.SourceGroup is { } group
            ? (group.Mode == SourceGroupMode.Enforce ? EnforcementMode.Enforce : EnforcementMode.Monitor)
            : flow.Policy.Mode,
        Decision = verdictOverride ?? flow.Decision.Verdict,
        Reason = reasonOverride ?? flow.Decision.Reason,
        AssessmentId = flow.Decision.Assessment?.Id,
        Method = method,
        Status = status,
        BytesUp = bytesUp,
        BytesDown = bytesDown,
        Duration = _time.GetUtcNow() - flow.Time,
        GeoDatabaseBuild = GeoDatabaseBuild,
        Inspection = flow.Inspection,
        Findings = Summarize(flow.Findings),
    };

    /// <summary>One summary per type: count, sensitive, the first masked sample. Raw values never leave the scanner.</summary>
    public static IReadOnlyList<FindingSummary> Summarize(IReadOnlyList<PiiFinding>? findings)
    {
        if (findings is null || findings.Count == 0)
        {
            return [];
        }

        var summaries = new List<FindingSummary>();
        foreach (var finding in findings)
        {
            var at = summaries.FindIndex(s => s.Type == finding.Type);
            if (at < 0)
            {
                summaries.Add(new FindingSummary(finding.Type, 1, finding.Sensitive, finding.Masked));
            }
            else
            {
                var s = summaries[at];
                summaries[at] = s with { Count = s.Count + 1, Sensitive = s.Sensitive || finding.Sensitive };
            }
        }

        return summaries;
    }

    private async ValueTask<bool> ResolvesToAsync(string host, IPAddress dialled, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal.Equals(dialled);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.ResolveTimeout);
        try
        {
            foreach (var address in await _resolver.ResolveAsync(host, timeout.Token))
            {
                if ((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).Equals(dialled))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return false;
    }

    private async ValueTask<IPAddress?> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal.IsIPv4MappedToIPv6 ? literal.MapToIPv4() : literal;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.ResolveTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await _resolver.ResolveAsync(host, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        // Prefer IPv4 (the common case for egress links); the flow dials exactly this one address.
        IPAddress? first = null;
        foreach (var address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return address;
            }

            first ??= address;
        }

        return first is { IsIPv4MappedToIPv6: true } ? first.MapToIPv4() : first;
    }
}
