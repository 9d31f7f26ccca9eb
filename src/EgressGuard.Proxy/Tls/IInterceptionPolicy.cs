using System.Net;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// The one seam that decides whether a tunnel is intercepted or spliced. Today it is fed by
/// <c>Tls:Mode</c> and <c>Tls:Bypass</c>; source groups (<c>SourceGroups[].Tls</c>) plug in here.
/// </summary>
public interface IInterceptionPolicy
{
    /// <summary>What to do with a tunnel from <paramref name="client"/> to <paramref name="host"/> (normalised).</summary>
    InterceptionChoice Choose(IPAddress client, string host);

    /// <summary>Remembers that <paramref name="client"/> refused the minted certificate for <paramref name="host"/>.</summary>
    void HandshakeFailed(IPAddress client, string host);
}
