using System.Net;
using BenchmarkDotNet.Attributes;
using EgressGuard.Geo;
using EgressGuard.Policy;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Benchmarks.Policy;

/// <summary>
/// <see cref="TransferPolicy.Decide(PolicySnapshot, in TransferContext, DateTimeOffset)"/> on a snapshot built the way <c>PolicyFactory</c> builds it
/// (Enforce, home CN, clients 10.0.0.0/8 and 127.0.0.0/8), for a handful of records and for 10,000
/// records with 100,000 destination patterns (see <see cref="AssessmentCorpus.Large"/>: 1,000 of them
/// CIDRs, looked up in one hash table per prefix length). Scenarios: a domestic destination (decided before any
/// record is looked at), an exactly covered host, a host covered by <c>*.suffix</c>, and an outbound
/// host no record covers (Block; the worst case: every CIDR is tested).
/// In the large corpus the covered records sit in the middle (records 5,000 and 5,001).
/// <see cref="DecisionCorpus.LargeNoCidrs"/> is the same corpus with the CIDRs replaced by hosts.
/// </summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");

    private PolicySnapshot _policy = null!;
    private TransferContext _domestic;
    private TransferContext _coveredHost;
    private TransferContext _suffixHost;
    private TransferContext _uncovered;

    /// <summary>Which records the snapshot holds.</summary>
    [Params(DecisionCorpus.Handful, DecisionCorpus.Large, DecisionCorpus.LargeNoCidrs)]
    public DecisionCorpus Corpus { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var small = Corpus == DecisionCorpus.Handful;
        var records = small ? AssessmentCorpus.Small() : AssessmentCorpus.Large(10_000, withCidrs: Corpus == DecisionCorpus.Large);
        var errors = new List<string>();
        var jurisdictions = JurisdictionMap.Create(["CN"], errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        _policy = new PolicySnapshot
        {
            Mode = EnforcementMode.Enforce,
            Jurisdictions = jurisdictions,
            AllowedClients = Networks("10.0.0.0/8", "127.0.0.0/8"),
            AllowPrivateDestinations = NetworkSet.Empty,
            ConnectPorts = [443],
            Assessments = new AssessmentIndex(records),
        };

        // Countries: BR carries no country:XX pattern in either corpus, so host and suffix matches decide.
        _domestic = Flow("www.example.cn", "220.181.38.148", "CN");
        _coveredHost = Flow(small ? "api.payments.example" : "api2.vendor5000.example", "52.1.2.3", "BR");
        _suffixHost = Flow(small ? "img.eu.cdn.example" : "img.eu.svc1.vendor5001.example", "52.1.2.4", "BR");
        _uncovered = Flow("api.unknown-vendor.example", "45.200.1.1", "BR");

        Expect(_domestic, TransferVerdict.Allow, ReasonCode.Domestic);
        Expect(_coveredHost, TransferVerdict.Allow, ReasonCode.CoveredByAssessment);
        Expect(_suffixHost, TransferVerdict.Allow, ReasonCode.CoveredByAssessment);
        Expect(_uncovered, TransferVerdict.Block, ReasonCode.NoAssessment);
    }

    [Benchmark(Description = "domestic (CN)")]
    public TransferDecision Domestic() => TransferPolicy.Decide(_policy, in _domestic, Now);

    [Benchmark(Description = "covered host")]
    public TransferDecision CoveredHost() => TransferPolicy.Decide(_policy, in _coveredHost, Now);

    [Benchmark(Description = "suffix-covered host")]
    public TransferDecision SuffixCoveredHost() => TransferPolicy.Decide(_policy, in _suffixHost, Now);

    [Benchmark(Description = "uncovered outbound host")]
    public TransferDecision UncoveredHost() => TransferPolicy.Decide(_policy, in _uncovered, Now);

    private static TransferContext Flow(string host, string address, string country) =>
        new(Client, HostName.Normalize(host), IPAddress.Parse(address), 443, country, IsTunnel: true);

    private static NetworkSet Networks(params string[] cidrs)
    {
        var networks = new List<IPNetwork>();
        foreach (var cidr in cidrs)
        {
            networks.Add(IPNetwork.Parse(cidr));
        }

        return new NetworkSet(networks);
    }

    private void Expect(in TransferContext flow, TransferVerdict verdict, ReasonCode reason)
    {
        var decision = TransferPolicy.Decide(_policy, flow, Now);
        if (decision.Verdict != verdict || decision.Reason != reason)
        {
            throw new InvalidOperationException($"{flow.Host}: expected {verdict} {reason}, got {decision.Verdict} {decision.Reason}");
        }
    }
}
