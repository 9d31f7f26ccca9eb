using System.Net;

namespace EgressGuard.Proxy.Transparent;

/// <summary>Validated, immutable settings of the transparent listener (<c>Transparent</c> section).</summary>
public sealed record TransparentSettings
{
    /// <summary><c>Transparent:Enabled</c>: default false.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>Transparent:Listen</c>: where redirected connections arrive. Default <c>0.0.0.0:3129</c>.</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [new IPEndPoint(IPAddress.Any, 3129)];

    /// <summary><c>Transparent:Mode</c>: how the firewall delivers connections (Redirect default, or TProxy).</summary>
    public TransparentMode Mode { get; init; } = TransparentMode.Redirect;
}
