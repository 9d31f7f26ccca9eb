using System.Net;
using EgressGuard.Inspection;
using EgressGuard.Policy;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Proxy.Flows;

/// <summary>Everything decided about one flow before any byte goes upstream.</summary>
/// <param name="Id">Reference id of the transfer record (UUIDv7).</param>
/// <param name="Time">When the decision was taken.</param>
/// <param name="Policy">The snapshot the flow used, start to end.</param>
/// <param name="Client">Client address.</param>
/// <param name="Host">Normalised requested host.</param>
/// <param name="Port">Destination port.</param>
/// <param name="Destination">The one address to dial; null when the name did not resolve.</param>
/// <param name="Country">Destination country, null when unknown.</param>
/// <param name="Decision">Verdict and reason.</param>
/// <param name="Findings">Personal information found by inspection (empty when none or not inspected).</param>
/// <param name="Inspection">Inspection state for the record: null (not inspected), Complete, Partial, Stopped.</param>
public sealed record FlowDecision(
    Guid Id,
    DateTimeOffset Time,
    PolicySnapshot Policy,
    IPAddress Client,
    string Host,
    int Port,
    IPAddress? Destination,
    string? Country,
    TransferDecision Decision,
    IReadOnlyList<PiiFinding>? Findings = null,
    string? Inspection = null);
