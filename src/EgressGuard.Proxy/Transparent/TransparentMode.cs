namespace EgressGuard.Proxy.Transparent;

/// <summary>How the firewall hands a connection to the transparent listener.</summary>
public enum TransparentMode
{
    /// <summary>nftables <c>redirect</c> (NAT): the original destination is read with <c>SO_ORIGINAL_DST</c>.</summary>
    Redirect = 0,

    /// <summary>nftables <c>tproxy</c>: the socket is <c>IP_TRANSPARENT</c>; the original destination is the local endpoint.</summary>
    TProxy = 1,
}
