namespace EgressGuard.Proxy.Responses;

/// <summary>Response headers the proxy adds to what it answers itself.</summary>
public static class ProxyHeaders
{
    /// <summary>The reason code of a refusal (see <c>ReasonCode</c>).</summary>
    public const string Reason = "X-EgressGuard-Reason";

    /// <summary>The transfer record's reference id, to quote to the security team.</summary>
    public const string Reference = "X-EgressGuard-Reference";

    /// <summary>The personal-information types that caused a refusal (comma-separated scanner type names).</summary>
    public const string Findings = "X-EgressGuard-Findings";
}
