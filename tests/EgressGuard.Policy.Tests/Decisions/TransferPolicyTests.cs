using System.Globalization;
using System.Net;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;
using EgressGuard.Policy.Tests.Assessments;

namespace EgressGuard.Policy.Tests.Decisions;

public sealed class TransferPolicyTests
{
    private const string Client = "10.1.2.3";
    private const string Public = "93.184.216.34";
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly AssessmentRecord[] Records =
    [
        TestRecords.Create("R-HOST", "api.example.com"),
        TestRecords.Create("R-SUFFIX", "*.example.com"),
        TestRecords.Create("R-CIDR", "93.184.216.0/24"),
        TestRecords.Create("R-COUNTRY", "country:JP"),
        TestRecords.Create("R-EXPIRED", "old.example.org", new DateOnly(2020, 1, 1), new DateOnly(2022, 12, 31)),
        TestRecords.Create("R-FUTURE", "new.example.org", new DateOnly(2030, 1, 1), new DateOnly(2032, 12, 31)),
        TestRecords.Create("R-SHADOWED", "api.example.com"),
        TestRecords.Create("R-TWO-OLD", "two.example.org", new DateOnly(2020, 1, 1), new DateOnly(2022, 12, 31)),
        TestRecords.Create("R-TWO-CURRENT", "two.example.org"),
        TestRecords.Create("R-CIDR6", "2606:2800::/32"),
    ];

    private static readonly PolicySnapshot EnforceSnapshot = TestPolicies.Create(EnforcementMode.Enforce, Records);
    private static readonly PolicySnapshot MonitorSnapshot = TestPolicies.Create(EnforcementMode.Monitor, Records);

    [Theory]
    [InlineData(EnforcementMode.Enforce, "172.20.0.5")]
    [InlineData(EnforcementMode.Monitor, "172.20.0.5")]
    [InlineData(EnforcementMode.Enforce, "8.8.8.8")]
    [InlineData(EnforcementMode.Monitor, "127.0.0.1")]
    [InlineData(EnforcementMode.Monitor, "fe80::1")]
    [InlineData(EnforcementMode.Monitor, "::ffff:172.20.0.5")]
    public void Decide_ClientNotAllowed_BlocksInEveryMode(EnforcementMode mode, string client)
    {
        var decision = Decide(mode, client, "api.example.com", Public, 80, "US", tunnel: false);

        Assert.Equal(new TransferDecision(TransferVerdict.Block, ReasonCode.ClientNotAllowed, false, null), decision);
        Assert.False(decision.Proceeds);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("fd00::42")]
    public void Decide_AllowedClient_IsServed(string client)
    {
        var decision = Decide(EnforcementMode.Enforce, client, "www.example.cn", Public, 80, "CN", tunnel: false);

        Assert.Equal(ReasonCode.Domestic, decision.Reason);
        Assert.True(decision.Proceeds);
    }

    [Theory]
    [InlineData(EnforcementMode.Enforce, "192.168.1.10", null, true)]
    [InlineData(EnforcementMode.Monitor, "192.168.1.10", null, true)]
    [InlineData(EnforcementMode.Monitor, "10.0.0.1", "CN", false)]
    [InlineData(EnforcementMode.Monitor, "127.0.0.1", "CN", false)]
    [InlineData(EnforcementMode.Monitor, "169.254.169.254", null, true)]
    [InlineData(EnforcementMode.Monitor, "100.100.100.200", "CN", false)]
    [InlineData(EnforcementMode.Monitor, "100.64.0.1", "CN", false)]
    [InlineData(EnforcementMode.Monitor, "::ffff:10.0.0.1", "CN", false)]
    [InlineData(EnforcementMode.Monitor, "64:ff9b::10.0.0.1", "US", true)]
    [InlineData(EnforcementMode.Monitor, "2002:c0a8:0101::1", "US", true)]
    [InlineData(EnforcementMode.Monitor, "fd00:ec2::254", null, true)]
    [InlineData(EnforcementMode.Enforce, "::1", "CN", false)]
    [InlineData(EnforcementMode.Enforce, "0.0.0.0", "CN", false)]
    [InlineData(EnforcementMode.Enforce, "224.0.0.1", "CN", false)]
    [InlineData(EnforcementMode.Enforce, "192.168.51.1", "CN", false)]
    public void Decide_PrivateDestinationNotListed_BlocksInEveryMode(EnforcementMode mode, string destination, string? country, bool outbound)
    {
        var decision = Decide(mode, Client, "target.example.com", destination, 80, country, tunnel: false);

        Assert.Equal(new TransferDecision(TransferVerdict.Block, ReasonCode.PrivateDestination, outbound, null), decision);
    }

    [Theory]
    [InlineData("192.168.50.10", "CN", TransferVerdict.Allow, ReasonCode.Domestic)]
    [InlineData("::ffff:192.168.50.10", "CN", TransferVerdict.Allow, ReasonCode.Domestic)]
    [InlineData("fd00:50::10", "CN", TransferVerdict.Allow, ReasonCode.Domestic)]
    [InlineData("192.168.50.10", null, TransferVerdict.Block, ReasonCode.NoAssessment)]
    public void Decide_PrivateDestinationListed_ContinuesToTheLaterRules(string destination, string? country, TransferVerdict verdict, ReasonCode reason)
    {
        var decision = Decide(EnforcementMode.Enforce, Client, "intranet.corp", destination, 80, country, tunnel: false);

        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData(EnforcementMode.Enforce, true, 22, "CN", TransferVerdict.Block, ReasonCode.PortNotAllowed, false)]
    [InlineData(EnforcementMode.Monitor, true, 22, "CN", TransferVerdict.Block, ReasonCode.PortNotAllowed, false)]
    [InlineData(EnforcementMode.Monitor, true, 25, "US", TransferVerdict.Block, ReasonCode.PortNotAllowed, true)]
    [InlineData(EnforcementMode.Enforce, true, 80, "CN", TransferVerdict.Block, ReasonCode.PortNotAllowed, false)]
    [InlineData(EnforcementMode.Enforce, true, 443, "CN", TransferVerdict.Allow, ReasonCode.Domestic, false)]
    [InlineData(EnforcementMode.Enforce, true, 8443, "CN", TransferVerdict.Allow, ReasonCode.Domestic, false)]
    [InlineData(EnforcementMode.Enforce, false, 22, "CN", TransferVerdict.Allow, ReasonCode.Domestic, false)]
    [InlineData(EnforcementMode.Enforce, false, 8080, "CN", TransferVerdict.Allow, ReasonCode.Domestic, false)]
    public void Decide_ConnectPortRule_AppliesToTunnelsOnly(EnforcementMode mode, bool tunnel, int port, string country, TransferVerdict verdict, ReasonCode reason, bool outbound)
    {
        var decision = Decide(mode, Client, "www.example.cn", Public, port, country, tunnel);

        Assert.Equal(new TransferDecision(verdict, reason, outbound, null), decision);
    }

    [Theory]
    [InlineData(22)]
    [InlineData(443)]
    [InlineData(65535)]
    public void Decide_NoConnectPortsConfigured_EveryTunnelPortIsAllowed(int port)
    {
        var policy = EnforceSnapshot with { ConnectPorts = [] };

        var decision = Decide(policy, Client, "www.example.cn", Public, port, "CN", tunnel: true);

        Assert.Equal(TransferVerdict.Allow, decision.Verdict);
    }

    [Theory]
    [InlineData(EnforcementMode.Enforce, "CN")]
    [InlineData(EnforcementMode.Monitor, "CN")]
    [InlineData(EnforcementMode.Enforce, "cn")]
    public void Decide_DomesticDestination_AllowsWithoutAssessment(EnforcementMode mode, string country)
    {
        var decision = Decide(mode, Client, "unlisted.example.cn", Public, 443, country, tunnel: true);

        Assert.Equal(new TransferDecision(TransferVerdict.Allow, ReasonCode.Domestic, false, null), decision);
        Assert.True(decision.Proceeds);
    }

    [Theory]
    [InlineData(EnforcementMode.Enforce, "HK", TransferVerdict.Block)]
    [InlineData(EnforcementMode.Enforce, "MO", TransferVerdict.Block)]
    [InlineData(EnforcementMode.Enforce, "TW", TransferVerdict.Block)]
    [InlineData(EnforcementMode.Enforce, "US", TransferVerdict.Block)]
    [InlineData(EnforcementMode.Enforce, null, TransferVerdict.Block)]
    [InlineData(EnforcementMode.Enforce, "ZZ", TransferVerdict.Block)]
    [InlineData(EnforcementMode.Enforce, "C1", TransferVerdict.Block)]
    [InlineData(EnforcementMode.Monitor, "HK", TransferVerdict.Report)]
    [InlineData(EnforcementMode.Monitor, "MO", TransferVerdict.Report)]
    [InlineData(EnforcementMode.Monitor, "TW", TransferVerdict.Report)]
    [InlineData(EnforcementMode.Monitor, "US", TransferVerdict.Report)]
    [InlineData(EnforcementMode.Monitor, null, TransferVerdict.Report)]
    public void Decide_OutboundWithoutRecord_BlocksInEnforceAndReportsInMonitor(EnforcementMode mode, string? country, TransferVerdict verdict)
    {
        var decision = Decide(mode, Client, "unlisted.example.net", "8.8.8.8", 443, country, tunnel: true);

        Assert.Equal(new TransferDecision(verdict, ReasonCode.NoAssessment, true, null), decision);
        Assert.Equal(mode == EnforcementMode.Monitor, decision.Proceeds);
    }

    [Theory]
    // host
    [InlineData("api.example.com", Public, "US", "R-HOST")]
    [InlineData("API.EXAMPLE.COM.", Public, "US", "R-HOST")]
    // *.suffix: below the suffix only
    [InlineData("sub.example.com", "8.8.8.8", "US", "R-SUFFIX")]
    [InlineData("a.b.example.com", "8.8.8.8", "US", "R-SUFFIX")]
    [InlineData("Sub.Example.Com", "8.8.8.8", "US", "R-SUFFIX")]
    [InlineData("example.com", "8.8.8.8", "US", null)]
    [InlineData("EXAMPLE.com", "8.8.8.8", "US", null)]
    [InlineData("myexample.com", "8.8.8.8", "US", null)]
    // CIDR on the dialled address
    [InlineData("cdn.other.net", Public, "US", "R-CIDR")]
    [InlineData("cdn.other.net", "::ffff:" + Public, "US", "R-CIDR")]
    [InlineData("93.184.216.99", "93.184.216.99", null, "R-CIDR")]
    [InlineData("cdn.other.net", "93.184.217.1", "US", null)]
    [InlineData("cdn.other.net", "2606:2800:220:1::1", "US", "R-CIDR6")]
    // country:XX on the dialled address's country
    [InlineData("www.example.jp", "8.8.8.8", "JP", "R-COUNTRY")]
    [InlineData("www.example.jp", "8.8.8.8", "KR", null)]
    [InlineData("www.example.jp", "8.8.8.8", null, null)]
    // first matching valid record wins: R-HOST(0) over R-SUFFIX(1), R-CIDR(2), R-COUNTRY(3), R-SHADOWED(6)
    [InlineData("api.example.com", Public, "JP", "R-HOST")]
    [InlineData("www.example.com", Public, "JP", "R-SUFFIX")]
    [InlineData("cdn.other.net", Public, "JP", "R-CIDR")]
    // expired at index 7, valid at index 8
    [InlineData("two.example.org", "8.8.8.8", "US", "R-TWO-CURRENT")]
    public void Decide_OutboundDestination_CoveredByTheFirstMatchingValidRecord(string host, string destination, string? country, string? expectedId)
    {
        foreach (var mode in new[] { EnforcementMode.Enforce, EnforcementMode.Monitor })
        {
            var decision = Decide(mode, Client, HostName.Normalize(host), destination, 443, country, tunnel: true);

            if (expectedId is null)
            {
                Assert.Equal(ReasonCode.NoAssessment, decision.Reason);
                Assert.Null(decision.Assessment);
                Assert.Equal(mode == EnforcementMode.Enforce ? TransferVerdict.Block : TransferVerdict.Report, decision.Verdict);
            }
            else
            {
                Assert.Equal(TransferVerdict.Allow, decision.Verdict);
                Assert.Equal(ReasonCode.CoveredByAssessment, decision.Reason);
                Assert.True(decision.Outbound);
                Assert.Equal(expectedId, decision.Assessment?.Id);
            }
        }
    }

    [Theory]
    [InlineData(EnforcementMode.Enforce, "old.example.org", TransferVerdict.Block, ReasonCode.AssessmentExpired)]
    [InlineData(EnforcementMode.Monitor, "old.example.org", TransferVerdict.Report, ReasonCode.AssessmentExpired)]
    [InlineData(EnforcementMode.Enforce, "new.example.org", TransferVerdict.Block, ReasonCode.AssessmentNotYetValid)]
    [InlineData(EnforcementMode.Monitor, "new.example.org", TransferVerdict.Report, ReasonCode.AssessmentNotYetValid)]
    public void Decide_MatchingRecordOutsideItsValidity_SaysWhy(EnforcementMode mode, string host, TransferVerdict verdict, ReasonCode reason)
    {
        var decision = Decide(mode, Client, host, "8.8.8.8", 443, "US", tunnel: true);

        Assert.Equal(new TransferDecision(verdict, reason, true, null), decision);
    }

    [Theory]
    [InlineData("2025-12-31T15:59:59.999Z", TransferVerdict.Block, ReasonCode.AssessmentNotYetValid)]
    [InlineData("2025-12-31T16:00:00Z", TransferVerdict.Allow, ReasonCode.CoveredByAssessment)]
    [InlineData("2026-12-31T15:59:59.999Z", TransferVerdict.Allow, ReasonCode.CoveredByAssessment)]
    [InlineData("2026-12-31T16:00:00Z", TransferVerdict.Block, ReasonCode.AssessmentExpired)]
    public void Decide_AtTheEdgesOfValidity_UsesChinaCalendarDays(string instant, TransferVerdict verdict, ReasonCode reason)
    {
        var policy = TestPolicies.Create(EnforcementMode.Enforce, [TestRecords.Create("R-2026", "api.example.com", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31))]);
        var now = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        var decision = TransferPolicy.Decide(policy, Context(Client, "api.example.com", Public, 443, "US", tunnel: true), now);

        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(reason, decision.Reason);
        Assert.Equal(reason == ReasonCode.CoveredByAssessment ? "R-2026" : null, decision.Assessment?.Id);
    }

    [Fact]
    public void Decide_RulesInOrder_ClientCheckedBeforeDestinationBeforePort()
    {
        // A refused client asking for a private destination on a refused port: the client rule answers.
        var all = Decide(EnforcementMode.Enforce, "172.20.0.1", "x.example.com", "10.9.9.9", 22, "US", tunnel: true);
        var destinationAndPort = Decide(EnforcementMode.Enforce, Client, "x.example.com", "10.9.9.9", 22, "US", tunnel: true);

        Assert.Equal(ReasonCode.ClientNotAllowed, all.Reason);
        Assert.Equal(ReasonCode.PrivateDestination, destinationAndPort.Reason);
    }

    [Fact]
    public void Decide_NoAllowedClients_RefusesEveryone()
    {
        var policy = EnforceSnapshot with { AllowedClients = NetworkSet.Empty };

        var decision = Decide(policy, Client, "www.example.cn", Public, 80, "CN", tunnel: false);

        Assert.Equal(ReasonCode.ClientNotAllowed, decision.Reason);
    }

    private static TransferDecision Decide(EnforcementMode mode, string client, string host, string destination, int port, string? country, bool tunnel) =>
        Decide(mode == EnforcementMode.Enforce ? EnforceSnapshot : MonitorSnapshot, client, host, destination, port, country, tunnel);

    private static TransferDecision Decide(PolicySnapshot policy, string client, string host, string destination, int port, string? country, bool tunnel) =>
        TransferPolicy.Decide(policy, Context(client, host, destination, port, country, tunnel), Now);

    private static TransferContext Context(string client, string host, string destination, int port, string? country, bool tunnel) =>
        new(IPAddress.Parse(client), host, IPAddress.Parse(destination), port, country, tunnel);
}
