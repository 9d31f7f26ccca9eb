using System.Globalization;
using System.Text;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Sinks.Syslog;

/// <summary>
/// RFC 5424 messages with a CEF payload, framed by octet counting (RFC 6587 §3.4.1, which RFC 5425
/// §4.3 uses over TLS): <c>MSG-LEN SP &lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
/// [egressguard@32473 seq="…" origin="…"] CEF:0|…</c>. 32473 is the documentation enterprise
/// number (RFC 5612). The MSG is sent without a BOM (RFC 5424 MSG-ANY): several SIEM parsers
/// choke on one, and CEF is ASCII-safe after escaping apart from UTF-8 in values.
/// </summary>
internal sealed class SyslogMessageFormatter
{
    /// <summary>RFC 5424 APP-NAME.</summary>
    public const string AppName = "egressguard";

    /// <summary>RFC 5424 MSGID of a transfer.</summary>
    public const string TransferMessageId = "transfer";

    private readonly StringBuilder _text = new(1024);
    private readonly int _facility;
    private readonly string _hostname;
    private readonly string _procId;
    private readonly string _origin;
    private readonly string _version;

    public SyslogMessageFormatter(int facility, string hostname, string origin, int processId, string productVersion)
    {
        _facility = facility;
        _hostname = SanitizeHeaderField(hostname, 255);
        _origin = origin;
        _procId = processId.ToString(CultureInfo.InvariantCulture);
        _version = productVersion;
    }

    /// <summary>RFC 5424 severity for a decision: Block warning (4), Report notice (5), Failed error (3), Allow informational (6).</summary>
    public static int Severity(TransferVerdict decision) => decision switch
    {
        TransferVerdict.Block => 4,
        TransferVerdict.Report => 5,
        TransferVerdict.Failed => 3,
        _ => 6,
    };

    /// <summary>A header field as RFC 5424 allows it: printable US-ASCII (33–126), at most <paramref name="max"/> characters, <c>-</c> when empty.</summary>
    public static string SanitizeHeaderField(string value, int max)
    {
        var builder = new StringBuilder(Math.Min(value.Length, max));
        foreach (var c in value)
        {
            if (builder.Length == max)
            {
                break;
            }

            builder.Append(c is >= '!' and <= '~' ? c : '_');
        }

        return builder.Length == 0 ? "-" : builder.ToString();
    }

    /// <summary>Writes one octet-counted frame for a transfer into <paramref name="output"/>.</summary>
    public void WriteFrame(Stream output, TransferRecord record, ulong sequence)
    {
        var text = _text.Clear();
        text.Append('<').Append(((_facility * 8) + Severity(record.Decision)).ToString(CultureInfo.InvariantCulture)).Append(">1 ");
        text.Append(record.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        text.Append(_hostname).Append(' ').Append(AppName).Append(' ').Append(_procId).Append(' ').Append(TransferMessageId).Append(' ');
        text.Append("[egressguard@32473 seq=\"").Append(sequence.ToString(CultureInfo.InvariantCulture)).Append("\" origin=\"");
        AppendParamValue(text, _origin);
        text.Append("\"] ");
        CefFormatter.Append(text, record, sequence, _origin, _version);

        var byteCount = Encoding.UTF8.GetByteCount(text.ToString());
        var prefix = Encoding.ASCII.GetBytes(byteCount.ToString(CultureInfo.InvariantCulture) + " ");
        output.Write(prefix);
        output.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>RFC 5424 §6.3.3: inside PARAM-VALUE, <c>"</c>, <c>\</c> and <c>]</c> are escaped with a backslash.</summary>
    private static void AppendParamValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            if (c is '"' or '\\' or ']')
            {
                builder.Append('\\');
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }
    }
}
