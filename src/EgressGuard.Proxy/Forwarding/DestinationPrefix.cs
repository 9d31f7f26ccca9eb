using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// The upstream URI prefix YARP is given: scheme, the decided IP literal and port
/// (<c>http://203.0.113.7:80</c>, <c>https://[2001:db8::1]:443</c>). Each thread remembers the last
/// one it built: consecutive requests to one destination (the common case for a busy client or
/// API) reuse the string instead of formatting address and port again. No lock: the memo is per thread.
/// </summary>
internal static class DestinationPrefix
{
    [ThreadStatic]
    private static Memo? t_last;

    /// <summary>The prefix for <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static string For(IPAddress address, int port, bool https)
    {
        var last = t_last;
        if (last is not null && last.Port == port && last.Https == https && last.Address.Equals(address))
        {
            return last.Prefix;
        }

        var scheme = https ? "https://" : "http://";
        var prefix = address.AddressFamily == AddressFamily.InterNetworkV6
            ? scheme + "[" + address + "]:" + port.ToString(CultureInfo.InvariantCulture)
            : scheme + address + ":" + port.ToString(CultureInfo.InvariantCulture);
        t_last = new Memo(address, port, https, prefix);
        return prefix;
    }

    private sealed record Memo(IPAddress Address, int Port, bool Https, string Prefix);
}
