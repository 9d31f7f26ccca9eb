using System.Net;
using System.Net.Sockets;
using System.Text;
using EgressGuard.Configuration;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Hosting;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Sinks;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;
using Microsoft.Extensions.Configuration;

namespace EgressGuard.FunctionalTests.Ledger;

/// <summary>
/// The appliance runs the configured sinks under its own host once it is given a ledger feed: a
/// syslog sink configured under <c>Ledger:Sinks:Syslog</c> delivers to a loopback TCP receiver and
/// keeps its cursor under the data directory. (The sinks' behaviour is tested in depth, against real
/// PostgreSQL and rsyslog, in EgressGuard.Ledger.Tests/Sinks.)
/// </summary>
public sealed class LedgerSinkWiringTests
{
    [Fact]
    public async Task Appliance_WithLedgerFeedAndSyslogSink_DeliversFromItsHost()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var directory = new TempDirectory();
        var config = ApplianceUnderTest.DefaultConfig(directory);
        config["Ledger:Sinks:Syslog:Enabled"] = "true";
        config["Ledger:Sinks:Syslog:Host"] = "127.0.0.1";
        config["Ledger:Sinks:Syslog:Port"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        config["Ledger:Sinks:Syslog:PollInterval"] = "50ms";
        var loaded = ConfigLoader.Validate(new ConfigurationBuilder().AddInMemoryCollection(config).Build(), directory.Path, null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));

        var started = await Appliance.StartAsync(loaded.Settings!, new ApplianceStartOptions
        {
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            LedgerFeed = new OneTransferFeed(),
        });
        Assert.True(started.Appliance is not null, string.Join("\n", started.Errors));
        await using (started.Appliance)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var client = await listener.AcceptTcpClientAsync(timeout.Token);
            var stream = client.GetStream();
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains("dhost=wired.example.com", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, "the sink closed the connection before sending: " + received);
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            // Octet-counted RFC 5424 frame: "LEN <PRI>1 …".
            var text = received.ToString();
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            Assert.Equal(Encoding.UTF8.GetByteCount(text[(space + 1)..]), int.Parse(text[..space], System.Globalization.CultureInfo.InvariantCulture));
            Assert.StartsWith("<110>1 ", text[(space + 1)..], StringComparison.Ordinal);
        }

        var cursor = Path.Combine(LedgerSinkRegistration.CursorDirectory(loaded.Settings!.DataDirectory), "syslog.cursor");
        Assert.Equal("egressguard-sink-cursor v1 1 0\n", await File.ReadAllTextAsync(cursor));
    }

    /// <summary>A ledger holding one transfer (the real feed is the ledger store's; this test is about the wiring).</summary>
    private sealed class OneTransferFeed : ILedgerFeed
    {
        private readonly FeedEntry _entry;

        public OneTransferFeed()
        {
            var time = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            var record = new TransferRecord
            {
                Id = Guid.CreateVersion7(time),
                Time = time,
                Kind = TransferKind.Http,
                Client = "127.0.0.1",
                Host = "wired.example.com",
                Port = 443,
                Decision = TransferVerdict.Allow,
                Reason = ReasonCode.Domestic,
            };
            var canonical = CanonicalEncoder.Encode(0, record);
            Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(canonical, out var entry));
            _entry = new FeedEntry(0, entry!, canonical);
        }

        public string Origin => "egressguard.example/wiring";

        public ValueTask<IReadOnlyList<FeedEntry>> ReadEntriesAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<FeedEntry>>(fromSequence == 0 ? [_entry] : []);

        public ValueTask<IReadOnlyList<FeedCheckpoint>> ReadCheckpointsAsync(long fromNumber, int maxCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<FeedCheckpoint>>([]);
    }
}
