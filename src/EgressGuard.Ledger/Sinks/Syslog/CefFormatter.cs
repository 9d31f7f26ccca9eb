using System.Globalization;
using System.Text;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Sinks.Syslog;

/// <summary>
/// ArcSight Common Event Format (CEF:0) for one transfer. Escaping per the CEF specification: in the
/// header, <c>\</c> → <c>\\</c> and <c>|</c> → <c>\|</c> (line breaks, not allowed there, become a
/// space); in extension values, <c>\</c> → <c>\\</c>, <c>=</c> → <c>\=</c>, CR → <c>\r</c>,
/// LF → <c>\n</c>; other control characters become a space so no value can forge a field, a
/// message or a log line. String values are cut at <see cref="MaxValueChars"/> characters (before
/// escaping) so one hostile value cannot push a message past the receiver's size limit.
/// </summary>
internal static class CefFormatter
{
    /// <summary>Longest string value kept, in UTF-16 code units.</summary>
    public const int MaxValueChars = 1024;

    /// <summary>Appends the CEF message for <paramref name="record"/> (ledger entry <paramref name="sequence"/> of <paramref name="origin"/>).</summary>
    public static void Append(StringBuilder builder, TransferRecord record, ulong sequence, string origin, string productVersion)
    {
        builder.Append("CEF:0|");
        AppendHeader(builder, "EgressGuard");
        builder.Append('|');
        AppendHeader(builder, "EgressGuard");
        builder.Append('|');
        AppendHeader(builder, productVersion);
        builder.Append('|');
        AppendHeader(builder, record.Reason.ToString());
        builder.Append('|');
        AppendHeader(builder, "Transfer " + record.Decision.ToString());
        builder.Append('|');
        builder.Append(Severity(record.Decision).ToString(CultureInfo.InvariantCulture));
        builder.Append('|');

        builder.Append("rt=").Append(record.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Extension(builder, "externalId", record.Id.ToString());
        Extension(builder, "cat", record.Kind == TransferKind.Tunnel ? "tunnel" : "http");
        Extension(builder, "act", record.Decision.ToString());
        Extension(builder, "reason", record.Reason.ToString());
        Extension(builder, "src", record.Client);
        Extension(builder, "dhost", record.Host);
        Extension(builder, "dst", record.Ip);
        Extension(builder, "dpt", record.Port.ToString(CultureInfo.InvariantCulture));
        Extension(builder, "requestMethod", record.Method);
        Extension(builder, "deviceDirection", record.Outbound ? "1" : "0");
        Extension(builder, "out", record.BytesUp.ToString(CultureInfo.InvariantCulture));
        Extension(builder, "in", record.BytesDown.ToString(CultureInfo.InvariantCulture));
        Extension(builder, "cn1", sequence.ToString(CultureInfo.InvariantCulture));
        Extension(builder, "cn1Label", "ledgerSequence");
        Extension(builder, "cn2", record.Status.ToString(CultureInfo.InvariantCulture));
        Extension(builder, "cn2Label", "httpStatus");
        Extension(builder, "cs1", record.Country);
        Extension(builder, "cs1Label", "destinationCountry");
        Extension(builder, "cs2", record.AssessmentId);
        Extension(builder, "cs2Label", "assessmentId");
        Extension(builder, "cs3", Findings(record.Findings));
        Extension(builder, "cs3Label", "personalInformation");
        Extension(builder, "cs4", record.Inspection);
        Extension(builder, "cs4Label", "inspection");
        Extension(builder, "cs5", origin);
        Extension(builder, "cs5Label", "applianceOrigin");
        Extension(builder, "cs6", record.Mode.ToString());
        Extension(builder, "cs6Label", "mode");
    }

    /// <summary>CEF severity 0–10 for a decision.</summary>
    public static int Severity(TransferVerdict decision) => decision switch
    {
        TransferVerdict.Block => 7,
        TransferVerdict.Report => 5,
        TransferVerdict.Failed => 4,
        _ => 3,
    };

    /// <summary>Appends a header field, escaped.</summary>
    public static void AppendHeader(StringBuilder builder, string value)
    {
        var length = Math.Min(value.Length, MaxValueChars);
        for (var i = 0; i < length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '|':
                    builder.Append(@"\|");
                    break;
                default:
                    builder.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }
    }

    /// <summary>Appends an extension value, escaped.</summary>
    public static void AppendExtensionValue(StringBuilder builder, string value)
    {
        var length = Math.Min(value.Length, MaxValueChars);
        for (var i = 0; i < length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '=':
                    builder.Append(@"\=");
                    break;
                case '\r':
                    builder.Append(@"\r");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                default:
                    builder.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }
    }

    private static void Extension(StringBuilder builder, string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        builder.Append(' ').Append(key).Append('=');
        AppendExtensionValue(builder, value);
    }

    private static string? Findings(IReadOnlyList<FindingSummary> findings)
    {
        if (findings.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var finding in findings)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(finding.Type).Append(':').Append(finding.Count.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
