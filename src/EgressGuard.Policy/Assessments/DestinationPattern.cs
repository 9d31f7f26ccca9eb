using System.Globalization;
using System.Net;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Assessments;

/// <summary>One destination an assessment record covers, parsed and normalised.</summary>
/// <param name="Kind">How it matches.</param>
/// <param name="Value">Normalised text: lower-case host or suffix (without <c>*.</c>), network text, or upper-case country code.</param>
/// <param name="Network">The network for <see cref="DestinationPatternKind.Network"/>.</param>
public sealed record DestinationPattern(DestinationPatternKind Kind, string Value, IPNetwork Network)
{
    /// <summary>The pattern as written in a record: <c>host</c>, <c>*.suffix</c>, CIDR or <c>country:XX</c>.</summary>
    public override string ToString() => Kind switch
    {
        DestinationPatternKind.Suffix => "*." + Value,
        DestinationPatternKind.Country => "country:" + Value,
        _ => Value,
    };

    /// <summary>Parses one pattern; returns an error text for a malformed one.</summary>
    public static bool TryParse(string? text, out DestinationPattern? pattern, out string? error)
    {
        pattern = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty destination";
            return false;
        }

        text = text.Trim();
        if (text.StartsWith("country:", StringComparison.OrdinalIgnoreCase))
        {
            var code = text["country:".Length..];
            if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
            {
                error = $"'{text}': country must be a two-letter ISO 3166-1 code";
                return false;
            }

            pattern = new DestinationPattern(DestinationPatternKind.Country, code.ToUpperInvariant(), default);
            return true;
        }

        if (text.Contains('/', StringComparison.Ordinal) || IPAddress.TryParse(text, out _))
        {
            if (!NetworkSet.TryParseNetwork(text, out var network, out var netError))
            {
                error = netError;
                return false;
            }

            pattern = new DestinationPattern(DestinationPatternKind.Network, network.ToString(), network);
            return true;
        }

        var isSuffix = text.StartsWith("*.", StringComparison.Ordinal);
        var host = HostName.Normalize(isSuffix ? text[2..] : text);
        if (!HostName.IsValid(host))
        {
            error = $"'{text}' is not a host name, *.suffix, CIDR network or country:XX";
            return false;
        }

        pattern = new DestinationPattern(isSuffix ? DestinationPatternKind.Suffix : DestinationPatternKind.Host, host, default);
        return true;
    }

    /// <summary>Invariant formatting helper for diagnostics.</summary>
    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
