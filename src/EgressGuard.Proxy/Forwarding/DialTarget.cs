using System.Net;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>The request option that carries the decided address to the connect callback.</summary>
public static class DialTarget
{
    /// <summary>Set on every upstream request; the connect callback refuses a request without it.</summary>
    public static readonly HttpRequestOptionsKey<IPEndPoint> Key = new("EgressGuard.DialTarget");
}
