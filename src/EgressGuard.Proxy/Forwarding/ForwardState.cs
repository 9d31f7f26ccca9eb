namespace EgressGuard.Proxy.Forwarding;

/// <summary>Per-request facts the transformer needs, passed as an HttpContext feature.</summary>
/// <param name="Authority">The Host header to send (the authority of the absolute-form target).</param>
public sealed record ForwardState(string Authority);
