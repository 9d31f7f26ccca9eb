using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Sinks;
using EgressGuard.Ledger.Sinks.Syslog;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>
/// The syslog sink against a real rsyslog on loopback (TCP with octet counting, and TLS with the
/// receiver's certificate from a CA file): one RFC 5424 message with a CEF payload per transfer,
/// hostile values escaped so they cannot forge a field, a message or a line; an untrusted receiver
/// gets nothing; a receiver that is down makes the backlog wait, not drop.
/// </summary>
public sealed partial class SyslogLedgerSinkTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [RsyslogFact]
    public async Task Tcp_Transfers_ArriveAsRfc5424WithCef_HostileValuesEscapedAndRoundTrip()
    {
        using var receiver = RsyslogReceiver.Create(_temp.File("rsyslog"), tls: false);
        await receiver.StartAsync();
        using var feed = new InMemoryLedgerFeed("egressguard.example/edge-7");
        var records = new List<TransferRecord>();
        for (var i = 0; i < 5; i++)
        {
            records.Add(SinkHarness.Transfer(i, Start));
        }

        records.Add(Hostile());
        foreach (var record in records.Take(3))
        {
            feed.AppendTransfer(record);
        }

        feed.AppendEvent(SinkHarness.Event(Start.AddMinutes(3))); // not a transfer: no message
        foreach (var record in records.Skip(3))
        {
            feed.AppendTransfer(record);
        }

        feed.SignCheckpoint(Start.AddMinutes(10));

        await RunUntilAsync(feed, Options(receiver.Port, tls: false), new SinkCursor(7, 1), () => receiver.RawLines().Length >= 6);

        var raw = receiver.RawLines();
        Assert.Equal(6, raw.Length);
        var sequences = new ulong[] { 0, 1, 2, 4, 5, 6 };
        for (var i = 0; i < raw.Length; i++)
        {
            AssertMessage(raw[i], records[i], sequences[i], feed.Origin);
        }

        // rsyslog's own RFC 5424 parser read the same header fields.
        var fields = receiver.FieldLines();
        Assert.Equal(6, fields.Length);
        var hostile = fields[5].Split('\t');
        Assert.Equal(((13 * 8) + 4).ToString(CultureInfo.InvariantCulture), hostile[0]);
        Assert.Equal("1", hostile[1]);
        Assert.Equal("edge-box-7", hostile[3]);
        Assert.Equal("egressguard", hostile[4]);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), hostile[5]);
        Assert.Equal("transfer", hostile[6]);
        Assert.Equal("[egressguard@32473 seq=\"6\" origin=\"egressguard.example/edge-7\"]", hostile[7]);
    }

    [RsyslogFact(Tls = true)]
    public async Task Tls_ReceiverCertificateFromCaFile_Delivers()
    {
        using var receiver = RsyslogReceiver.Create(_temp.File("rsyslog-tls"), tls: true);
        await receiver.StartAsync();
        using var feed = new InMemoryLedgerFeed();
        var records = new List<TransferRecord>();
        for (var i = 0; i < 20; i++)
        {
            records.Add(SinkHarness.Transfer(i, Start));
            feed.AppendTransfer(records[i]);
        }

        await RunUntilAsync(feed, Options(receiver.Port, tls: true) with { CaFile = receiver.CaFile }, new SinkCursor(20, 0), () => receiver.RawLines().Length >= 20);

        var raw = receiver.RawLines();
        Assert.Equal(20, raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            AssertMessage(raw[i], records[i], (ulong)i, feed.Origin);
        }
    }

    [RsyslogFact(Tls = true)]
    public async Task Tls_ReceiverNotTrusted_NothingSentAndFailuresCounted()
    {
        using var receiver = RsyslogReceiver.Create(_temp.File("rsyslog-untrusted"), tls: true);
        await receiver.StartAsync();
        using var feed = new InMemoryLedgerFeed();
        feed.AppendTransfer(SinkHarness.Transfer(0, Start));
        await using var services = SinkHarness.Services();
        var sink = new SyslogLedgerSink(feed, Options(receiver.Port, tls: true), _temp.File("untrusted.cursor"), SinkHarness.Logs, services.Meters());
        using var stop = new CancellationTokenSource();
        var run = sink.RunAsync(stop.Token);
        await SinkHarness.WaitUntil(() => sink.Status.Failures >= 2, "two failed TLS handshakes");
        await stop.CancelAsync();
        await run;

        Assert.Equal(new SinkCursor(0, 0), sink.Status.Cursor);
        Assert.Equal(1UL, sink.Status.BacklogEntries);
        Assert.Contains("syslog-tls://127.0.0.1", sink.Status.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.RawLines());
    }

    [RsyslogFact]
    public async Task ReceiverDown_BacklogWaits_ThenEverythingArrivesInOrder()
    {
        using var receiver = RsyslogReceiver.Create(_temp.File("rsyslog-late"), tls: false);
        using var feed = new InMemoryLedgerFeed();
        var records = new List<TransferRecord>();
        for (var i = 0; i < 50; i++)
        {
            records.Add(SinkHarness.Transfer(i, Start));
            feed.AppendTransfer(records[i]);
        }

        await using var services = SinkHarness.Services();
        var sink = new SyslogLedgerSink(feed, Options(receiver.Port, tls: false), _temp.File("late.cursor"), SinkHarness.Logs, services.Meters());
        using var stop = new CancellationTokenSource();
        var run = sink.RunAsync(stop.Token);
        await SinkHarness.WaitUntil(() => sink.Status.BacklogEntries == 50 && sink.Status.Failures > 0, "a backlog of 50 while the receiver is down");
        Assert.Empty(receiver.RawLines());

        await receiver.StartAsync();
        await SinkHarness.WaitUntil(() => sink.Status.Cursor.NextSequence == 50 && receiver.RawLines().Length >= 50, "all 50 delivered after the receiver came up");
        await stop.CancelAsync();
        await run;

        var raw = receiver.RawLines();
        Assert.Equal(50, raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            AssertMessage(raw[i], records[i], (ulong)i, feed.Origin);
        }

        Assert.Equal("egressguard-sink-cursor v1 50 0\n", await File.ReadAllTextAsync(_temp.File("late.cursor")));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a|b", @"a\|b")]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData(@"\|", @"\\\|")]
    [InlineData("line\nbreak", "line break")]
    [InlineData("a=b", "a=b")]
    public void CefHeader_HostileValue_IsEscaped(string value, string expected)
    {
        var builder = new StringBuilder();
        CefFormatter.AppendHeader(builder, value);
        Assert.Equal(expected, builder.ToString());
    }

    [Theory]
    [InlineData("a=b", @"a\=b")]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData("a|b", "a|b")]
    [InlineData("one\r\ntwo", @"one\r\ntwo")]
    [InlineData("tab\there\0", "tab here ")]
    public void CefExtension_HostileValue_IsEscaped(string value, string expected)
    {
        var builder = new StringBuilder();
        CefFormatter.AppendExtensionValue(builder, value);
        Assert.Equal(expected, builder.ToString());
    }

    private static TransferRecord Hostile() => SinkHarness.Transfer(5, Start) with
    {
        Host = "evil|host=x\\y\nFAKE: <13>1 - - - - - forged",
        Method = "GE|T=",
        AssessmentId = "a=b\\c\r\nd cs5=forged",
        Inspection = "Partial",
        Decision = TransferVerdict.Block,
        Reason = ReasonCode.NoAssessment,
        Findings = [new FindingSummary("cn_mobile", 2, false, "138****0000"), new FindingSummary("email", 1, false, "a***@b.c")],
    };

    private static SyslogSinkOptions Options(int port, bool tls) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Tls = tls,
        Hostname = "edge-box-7",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        Shipping = SinkHarness.FastShipping(),
    };

    private async Task RunUntilAsync(InMemoryLedgerFeed feed, SyslogSinkOptions options, SinkCursor end, Func<bool> delivered)
    {
        await using var services = SinkHarness.Services();
        var sink = new SyslogLedgerSink(feed, options, _temp.File("syslog.cursor"), SinkHarness.Logs, services.Meters());
        using var stop = new CancellationTokenSource();
        var run = sink.RunAsync(stop.Token);
        await SinkHarness.WaitUntil(() => sink.Status.Cursor == end && delivered(), $"delivery up to {end} ({sink.Status.LastError})");
        await stop.CancelAsync();
        await run;
    }

    /// <summary>Parses one received message strictly (RFC 5424 header, SD, CEF header and extension) and compares every field with the record.</summary>
    private static void AssertMessage(string raw, TransferRecord record, ulong sequence, string origin)
    {
        var match = HeaderPattern().Match(raw);
        Assert.True(match.Success, "not an RFC 5424 message with the expected header: " + raw);
        var severity = record.Decision switch { TransferVerdict.Block => 4, TransferVerdict.Report => 5, TransferVerdict.Failed => 3, _ => 6 };
        Assert.Equal((13 * 8) + severity, int.Parse(match.Groups["pri"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(record.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), match.Groups["time"].Value);
        Assert.Equal("edge-box-7", match.Groups["host"].Value);
        Assert.Equal("egressguard", match.Groups["app"].Value);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), match.Groups["proc"].Value);
        Assert.Equal("transfer", match.Groups["msgid"].Value);
        Assert.Equal(sequence.ToString(CultureInfo.InvariantCulture), match.Groups["seq"].Value);
        Assert.Equal(origin, match.Groups["origin"].Value);

        var cef = match.Groups["cef"].Value;
        var header = SplitCefHeader(cef);
        Assert.Equal(["CEF:0", "EgressGuard", "EgressGuard"], header[..3]);
        Assert.Equal(record.Reason.ToString(), header[4]);
        Assert.Equal("Transfer " + record.Decision, header[5]);
        Assert.Equal(CefFormatter.Severity(record.Decision).ToString(CultureInfo.InvariantCulture), header[6]);

        var extension = ParseCefExtension(header[7]);
        Assert.Equal(record.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), extension["rt"]);
        Assert.Equal(record.Id.ToString(), extension["externalId"]);
        Assert.Equal(record.Client, extension["src"]);
        Assert.Equal(record.Host, extension["dhost"]);
        Assert.Equal(record.Ip, extension["dst"]);
        Assert.Equal(record.Port.ToString(CultureInfo.InvariantCulture), extension["dpt"]);
        Assert.Equal(record.Method, extension["requestMethod"]);
        Assert.Equal(record.Decision.ToString(), extension["act"]);
        Assert.Equal(record.Reason.ToString(), extension["reason"]);
        Assert.Equal(record.Country, extension["cs1"]);
        Assert.Equal(record.AssessmentId, extension.GetValueOrDefault("cs2"));
        Assert.Equal(origin, extension["cs5"]);
        Assert.Equal("applianceOrigin", extension["cs5Label"]);
        Assert.Equal(sequence.ToString(CultureInfo.InvariantCulture), extension["cn1"]);
        Assert.Equal(record.BytesUp.ToString(CultureInfo.InvariantCulture), extension["out"]);
        Assert.Equal(record.BytesDown.ToString(CultureInfo.InvariantCulture), extension["in"]);
        Assert.Equal(record.Outbound ? "1" : "0", extension["deviceDirection"]);
        if (record.Findings.Count > 0)
        {
            Assert.Equal(string.Join(',', record.Findings.Select(f => f.Type + ":" + f.Count)), extension["cs3"]);
        }
    }

    /// <summary>Splits the 7 CEF header fields and the extension at unescaped pipes, unescaping <c>\|</c> and <c>\\</c>.</summary>
    private static string[] SplitCefHeader(string cef)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        for (; i < cef.Length && fields.Count < 7; i++)
        {
            var c = cef[i];
            if (c == '\\')
            {
                Assert.True(i + 1 < cef.Length && cef[i + 1] is '\\' or '|', "bad escape in the CEF header: " + cef);
                current.Append(cef[++i]);
            }
            else if (c == '|')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        Assert.Equal(7, fields.Count);
        fields.Add(cef[i..]);
        return [.. fields];
    }

    /// <summary>
    /// Parses <c>key=value</c> pairs: a key is letters/digits followed by an unescaped <c>=</c>; a value runs to
    /// the space before the next key. Escapes <c>\\ \= \n \r</c> are undone; any other backslash or a bare
    /// <c>=</c> inside a value fails the test (that is what would let a value forge a field).
    /// </summary>
    private static Dictionary<string, string> ParseCefExtension(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        while (position < text.Length)
        {
            var equals = text.IndexOf('=', position);
            Assert.True(equals > position, "expected key= at " + position + ": " + text);
            var key = text[position..equals];
            Assert.Matches("^[A-Za-z0-9]+$", key);
            var value = new StringBuilder();
            var i = equals + 1;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\\')
                {
                    Assert.True(i + 1 < text.Length, "dangling backslash: " + text);
                    var next = text[++i];
                    value.Append(next switch
                    {
                        '\\' => '\\',
                        '=' => '=',
                        'n' => '\n',
                        'r' => '\r',
                        _ => throw new Xunit.Sdk.XunitException($"bad escape \\{next} in: {text}"),
                    });
                }
                else if (c == ' ' && NextKey().IsMatch(text.AsSpan(i + 1)))
                {
                    break;
                }
                else
                {
                    Assert.True(c != '=', "unescaped '=' inside a value: " + text);
                    Assert.False(char.IsControl(c), "raw control character inside a value: " + text);
                    value.Append(c);
                }
            }

            Assert.False(result.ContainsKey(key), "key twice (forged?): " + key);
            result[key] = value.ToString();
            position = i + 1;
        }

        return result;
    }

    [GeneratedRegex("""^<(?<pri>\d{1,3})>1 (?<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z) (?<host>[!-~]{1,255}) (?<app>[!-~]{1,48}) (?<proc>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) \[egressguard@32473 seq="(?<seq>\d+)" origin="(?<origin>[^"\\\]]*)"\] (?<cef>CEF:0\|.*)$""")]
    private static partial Regex HeaderPattern();

    [GeneratedRegex("^[A-Za-z0-9]+=")]
    private static partial Regex NextKey();
}
