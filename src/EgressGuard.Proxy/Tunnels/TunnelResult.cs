namespace EgressGuard.Proxy.Tunnels;

/// <summary>How a tunnel ended and what it carried.</summary>
/// <param name="BytesUp">Client to origin.</param>
/// <param name="BytesDown">Origin to client.</param>
/// <param name="CloseReason">Why it ended: <c>closed</c>, <c>idle</c>, <c>error</c>, <c>shutdown</c>.</param>
public readonly record struct TunnelResult(long BytesUp, long BytesDown, string CloseReason);
