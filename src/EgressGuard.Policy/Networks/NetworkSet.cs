using System.Net;

namespace EgressGuard.Policy.Networks;

/// <summary>
/// An immutable set of CIDR networks (IPv4 and IPv6). IPv4-mapped IPv6 addresses are tested as
/// IPv4, so <c>127.0.0.0/8</c> covers a dual-stack socket's <c>::ffff:127.0.0.1</c>.
/// </summary>
public sealed class NetworkSet
{
    private readonly IPNetwork[] _networks;

    /// <summary>Creates the set from the given networks.</summary>
    public NetworkSet(IEnumerable<IPNetwork> networks)
    {
        _networks = [.. networks];
    }

    /// <summary>The empty set.</summary>
    public static NetworkSet Empty { get; } = new([]);

    /// <summary>The networks, in the order given.</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Whether any network contains <paramref name="address"/>.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Parses <c>a.b.c.d/n</c>, <c>v6/n</c> or a bare address (a host network). Returns the error
    /// text for a bad entry; a network with host bits set is refused, because <c>10.0.0.1/8</c> is
    /// almost always a typo for something narrower.
    /// </summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network, out string? error)
    {
        network = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty network";
            return false;
        }

        text = text.Trim();
        if (!text.Contains('/', StringComparison.Ordinal))
        {
            if (IPAddress.TryParse(text, out var host))
            {
                if (!IsPlainAddressText(host, text))
                {
                    error = $"'{text}': write an IPv4 address as four decimal numbers a.b.c.d without leading zeros";
                    return false;
                }

                network = new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            error = $"'{text}' is not an IP address or CIDR network";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var baseAddress))
        {
            error = $"'{text}' is not a CIDR network (bad address)";
            return false;
        }

        if (!IsPlainAddressText(baseAddress, text.AsSpan(0, slash)))
        {
            error = $"'{text}': write an IPv4 address as four decimal numbers a.b.c.d without leading zeros";
            return false;
        }

        var max = baseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) || prefix > max)
        {
            error = $"'{text}' is not a CIDR network (prefix length must be 0-{max})";
            return false;
        }

        if (!IPNetwork.TryParse(text, out network) || !network.BaseAddress.Equals(baseAddress))
        {
            error = $"'{text}' has host bits set beyond /{prefix}; write the network address";
            return false;
        }

        return true;
    }

    /// <summary>
    /// IPAddress.TryParse also takes the old inet_aton forms: <c>10</c> is 0.0.0.10, <c>10.1</c> is
    /// 10.0.0.1, <c>010.0.0.1</c> is octal 8.0.0.1, <c>0x0a.0.0.1</c> is 10.0.0.1. In an allow list
    /// those silently name a different network than the admin meant, so IPv4 must be a plain dotted quad.
    /// </summary>
    private static bool IsPlainAddressText(IPAddress address, ReadOnlySpan<char> text)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return true;
        }

        var parts = 0;
        var digits = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits == 0)
                {
                    return false;
                }

                parts++;
                digits = 0;
                continue;
            }

            if (!char.IsAsciiDigit(text[i]) || (digits == 1 && text[i - 1] == '0') || ++digits > 3)
            {
                return false;
            }
        }

        return parts == 4;
    }
}
