using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace EgressGuard.Proxy.Transparent;

/// <summary>
/// Where a redirected connection was going. nftables <c>redirect</c> rewrites the destination, and
/// conntrack keeps the original: <c>getsockopt(SOL_IP, SO_ORIGINAL_DST)</c> returns it as a
/// <c>sockaddr_in</c> (IPv6: <c>getsockopt(SOL_IPV6, IP6T_SO_ORIGINAL_DST)</c>, a <c>sockaddr_in6</c>).
/// With <c>tproxy</c> nothing is rewritten: the socket's local endpoint is the original destination.
/// </summary>
public static class OriginalDestination
{
    private const int SolIp = 0;
    private const int SolIpv6 = 41;
    private const int SoOriginalDst = 80;     // linux/netfilter_ipv4.h
    private const int Ip6tSoOriginalDst = 80; // linux/netfilter_ipv6/ip6_tables.h
    private const int IpTransparent = 19;     // linux/in.h
    private const int Ipv6Transparent = 75;   // linux/in6.h

    /// <summary>The original destination of a connection accepted on a redirect listener, or null when the kernel has none (not redirected).</summary>
    public static IPEndPoint? FromRedirect(Socket socket)
    {
        try
        {
            var family = socket.LocalEndPoint is IPEndPoint local && local.AddressFamily == AddressFamily.InterNetworkV6 && !local.Address.IsIPv4MappedToIPv6
                ? AddressFamily.InterNetworkV6
                : AddressFamily.InterNetwork;
            Span<byte> buffer = stackalloc byte[28];
            if (family == AddressFamily.InterNetwork)
            {
                var length = socket.GetRawSocketOption(SolIp, SoOriginalDst, buffer[..16]);
                if (length < 8)
                {
                    return null;
                }

                // sockaddr_in: family (host order), port (network order), address (network order).
                var port = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
                return new IPEndPoint(new IPAddress(buffer.Slice(4, 4)), port);
            }

            var length6 = socket.GetRawSocketOption(SolIpv6, Ip6tSoOriginalDst, buffer);
            if (length6 < 24)
            {
                return null;
            }

            // sockaddr_in6: family, port, flowinfo, address (16), scope id.
            var port6 = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
            return new IPEndPoint(new IPAddress(buffer.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..])), port6);
        }
        catch (SocketException)
        {
            return null; // ENOENT: no conntrack entry (a direct connection, or NAT not in use)
        }
    }

    /// <summary>
    /// A listening socket for <c>tproxy</c>: <c>IP_TRANSPARENT</c> set before bind so the kernel
    /// delivers connections addressed to any IP (needs CAP_NET_ADMIN). <c>[::]</c> is dual-stack,
    /// as Kestrel's own listener on <c>[::]</c>: one socket takes tproxied IPv4 and IPv6.
    /// </summary>
    public static Socket CreateTransparentListenSocket(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        try
        {
            Span<byte> one = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(one, 1);
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.SetRawSocketOption(SolIpv6, Ipv6Transparent, one);
            }
            else
            {
                socket.SetRawSocketOption(SolIp, IpTransparent, one);
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
