using System.Net;
using BenchmarkDotNet.Attributes;
using EgressGuard.Geo;
using EgressGuard.Policy;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Policy.Volume;

namespace EgressGuard.Benchmarks.Policy;

/// <summary>
/// The personal-information path of the policy on the 10,000-record / 100,000-pattern corpus with
/// four source groups: the pure decision with findings and volume facts (covered record, volume
/// check), the counter's decide-and-count for a person already counted (lock + hash lookups, no
/// disk), and counting new individuals (one SQLite WAL transaction each, in a temp directory).
/// </summary>
[MemoryDiagnoser]
public class VolumeBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly VolumeThresholds Thresholds = new();
    private PolicySnapshot _policy = null!;
    private TransferContext _withEmail;
    private VolumeCounter _counter = null!;
    private IReadOnlyList<Individual> _known = null!;
    private string _directory = null!;
    private ulong _next;

    [GlobalSetup]
    public void Setup()
    {
        var errors = new List<string>();
        var records = AssessmentCorpus.Large(10_000, withCidrs: true);
        _policy = new PolicySnapshot
        {
            Mode = EnforcementMode.Enforce,
            Jurisdictions = JurisdictionMap.Create(["CN"], errors),
            AllowedClients = new NetworkSet([IPNetwork.Parse("10.0.0.0/8")]),
            Assessments = new AssessmentIndex(records),
            SourceGroups = new SourceGroupSet(
            [
                new SourceGroup { Name = "a", Networks = new NetworkSet([IPNetwork.Parse("10.10.0.0/16")]) },
                new SourceGroup { Name = "b", Networks = new NetworkSet([IPNetwork.Parse("10.20.0.0/16")]) },
                new SourceGroup { Name = "c", Networks = new NetworkSet([IPNetwork.Parse("10.30.0.0/16")]), MlpsLevel = 3 },
                new SourceGroup { Name = "d", Networks = new NetworkSet([IPNetwork.Parse("10.1.0.0/16")]), MlpsLevel = 2 },
            ]),
        };
        _withEmail = new TransferContext(IPAddress.Parse("10.1.2.3"), "api2.vendor5000.example", IPAddress.Parse("52.1.2.3"), 443, "BR", false,
            new ContentFindings(true, ["email"], false));
        _directory = Path.Combine(Path.GetTempPath(), "egressguard-bench-" + Guid.NewGuid().ToString("N"));
        _counter = VolumeCounter.Open(_directory, out var error) ?? throw new InvalidOperationException(error);
        _known = IndividualGrouping.Group([new PersonalValue("0123456789abcdef0123456789abcdef", false, "body/json:$.user.email")]);
        _counter.Count(_known, "large-5000", Now, Thresholds);
        var check = _counter.DecideAndCount(_policy, _withEmail, Now, _known);
        if (check.Reason != ReasonCode.CoveredByAssessment || errors.Count > 0)
        {
            throw new InvalidOperationException("unexpected " + check.Reason);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _counter.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "Decide: covered, email found, volume check")]
    public TransferDecision DecideWithFindings() => TransferPolicy.Decide(_policy, in _withEmail, Now, new VolumeFacts(5_000, 0, 1, 0));

    [Benchmark(Description = "DecideAndCount: person already counted")]
    public TransferDecision DecideAndCountKnown() => _counter.DecideAndCount(_policy, in _withEmail, Now, _known);

    [Benchmark(Description = "Count: new person (SQLite WAL commit)", OperationsPerInvoke = 100)]
    public void CountNewPeople()
    {
        for (var i = 0; i < 100; i++)
        {
            _counter.Count([new Individual(false, [new UInt128(0xABCD, ++_next)])], "large-5000", Now, Thresholds);
        }
    }
}
