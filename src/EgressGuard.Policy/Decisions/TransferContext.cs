using System.Net;

namespace EgressGuard.Policy.Decisions;

/// <summary>The facts of one transfer the decision needs, gathered once per flow.</summary>
/// <param name="Client">The client's address.</param>
/// <param name="Host">The requested host, normalised (lower case, no trailing dot); an IP literal as text.</param>
/// <param name="Destination">The one address that will be dialled.</param>
/// <param name="Port">The destination port.</param>
/// <param name="Country">The destination's country (ISO alpha-2), null when unknown.</param>
/// <param name="IsTunnel">A CONNECT tunnel (subject to <c>Proxy.ConnectPorts</c>) rather than a forwarded HTTP request.</param>
/// <param name="Content">What inspection found; <c>default</c> when the content was not inspected.</param>
public readonly record struct TransferContext(IPAddress Client, string Host, IPAddress Destination, int Port, string? Country, bool IsTunnel, ContentFindings Content = default);
