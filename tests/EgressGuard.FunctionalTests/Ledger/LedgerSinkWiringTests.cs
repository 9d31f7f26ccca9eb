using System.Net;
using System.Net.Sockets;
using System.Text;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Ledger.Sinks;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Ledger;

/// <summary>
/// The appliance runs the configured sinks under its own host, fed by its own ledger: a syslog sink
/// configured under <c>Ledger:Sinks:Syslog</c> delivers a real transfer's entry to a loopback TCP
/// receiver and keeps its cursor under the data directory. (The sinks' behaviour is tested in depth, against real
/// PostgreSQL and rsyslog, in EgressGuard.Ledger.Tests/Sinks.)
/// </summary>
public sealed class LedgerSinkWiringTests
{
    [Fact]
    public async Task Appliance_WithASyslogSink_ShipsItsOwnLedgerEntries()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var origin = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(config =>
        {
            config["Ledger:Sinks:Syslog:Enabled"] = "true";
            config["Ledger:Sinks:Syslog:Host"] = "127.0.0.1";
            config["Ledger:Sinks:Syslog:Port"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            config["Ledger:Sinks:Syslog:PollInterval"] = "50ms";
        });

        await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, origin.BaseUrl + "/upload");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("dhost=127.0.0.2", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the sink closed the connection before sending: " + received);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        // Octet-counted RFC 5424 frame: "LEN <PRI>1 …"; a blocked transfer is severity 4 in facility 13.
        var text = received.ToString();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        Assert.StartsWith("<108>1 ", text[(space + 1)..], StringComparison.Ordinal);
        Assert.Contains("reason=NoAssessment", text, StringComparison.Ordinal);
        var cursor = Path.Combine(LedgerSinkRegistration.CursorDirectory(box.Settings.DataDirectory), "syslog.cursor");
        for (var i = 0; i < 100 && !File.Exists(cursor); i++)
        {
            await Task.Delay(100);
        }

        Assert.StartsWith("egressguard-sink-cursor v1 ", await File.ReadAllTextAsync(cursor), StringComparison.Ordinal);
    }
}
