using System.Net;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Tests.Assessments;
using EgressGuard.Policy.Tests.Decisions;
using EgressGuard.Policy.Volume;
using EgressGuard.Tests.Common;

namespace EgressGuard.Policy.Tests.Volume;

public sealed class VolumeCounterTests : IDisposable
{
    private static readonly VolumeThresholds Low = new() { StandardContract = 3, SecurityAssessment = 10, SensitiveSecurityAssessment = 2 };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private VolumeCounter Open()
    {
        var counter = VolumeCounter.Open(_dir.Path, out var error);
        Assert.True(counter is not null, error);
        return counter!;
    }

    private static string Fingerprint(int n) => n.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + new string('5', 56);

    private static IReadOnlyList<Individual> Person(int n, bool sensitive = false) =>
        IndividualGrouping.Group([new PersonalValue(Fingerprint(n), sensitive, "body/json:$.email")]);

    [Fact]
    public void Group_IdAndMobileInOneJsonObject_AreOnePerson_ArrayElementsAreSeparatePeople()
    {
        var people = IndividualGrouping.Group(
        [
            new PersonalValue(Fingerprint(1), false, "body/json:$.users[0].mobile"),
            new PersonalValue(Fingerprint(2), false, "body/json:$.users[0].email"),
            new PersonalValue(Fingerprint(3), false, "body/json:$.users[1].mobile"),
            new PersonalValue(Fingerprint(4), false, "body/json:$.mobiles[0]"),
            new PersonalValue(Fingerprint(5), false, "body/json:$.mobiles[1]"),
            new PersonalValue(Fingerprint(6), false, "query:phone"),
        ]);

        Assert.Equal(5, people.Count);
        Assert.Equal(2, people[0].Keys.Count);
    }

    [Fact]
    public void Group_CellsOfOneCsvRow_AreOnePerson_EachRowItsOwn()
    {
        var people = IndividualGrouping.Group(
        [
            new PersonalValue(Fingerprint(1), true, "multipart:users.csv/csv[1]:身份证号"),
            new PersonalValue(Fingerprint(2), false, "multipart:users.csv/csv[1]:手机"),
            new PersonalValue(Fingerprint(3), false, "multipart:users.csv/csv[1]:邮箱"),
            new PersonalValue(Fingerprint(4), false, "multipart:users.csv/csv[2]:手机"),
            new PersonalValue(Fingerprint(5), false, "multipart:other.csv/csv[1]:手机"),
        ]);

        // Row 1 of users.csv: one sensitive and one non-sensitive tally entry (counted apart), holding
        // its two non-sensitive identifiers together; row 2 and the other file's row 1 are people of their own.
        Assert.Equal(4, people.Count);
        Assert.Equal(2, people.Single(p => !p.Sensitive && p.Keys.Count == 2).Keys.Count);
        Assert.Equal("multipart:users.csv/csv[2]", IndividualGrouping.OwnerOf("multipart:users.csv/csv[2]:手机"));
        Assert.Null(IndividualGrouping.OwnerOf("multipart:users.csv/csv[]:手机"));
    }

    [Fact]
    public void Count_SamePersonAgain_WithAnyOfTheirIdentifiers_CountsOnce()
    {
        using var counter = Open();
        var now = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var both = IndividualGrouping.Group(
        [
            new PersonalValue(Fingerprint(1), false, "body/json:$.user.mobile"),
            new PersonalValue(Fingerprint(2), false, "body/json:$.user.email"),
        ]);

        counter.Count(both, "R-1", now, Low);
        counter.Count(Person(2), "R-1", now, Low);
        counter.Count(Person(1), "R-1", now, Low);

        Assert.Equal(1, counter.Totals(null, now).NonSensitive);
        Assert.Equal(1, counter.Totals("R-1", now).NonSensitive);
        Assert.Equal(0, counter.Probe(Person(1), now).NewNonSensitive);
        Assert.Equal(1, counter.Probe(Person(3), now).NewNonSensitive);
    }

    [Fact]
    public void Counts_SensitiveAndNonSensitiveApart_AndSurviveARestart()
    {
        var now = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        using (var counter = Open())
        {
            counter.Count(Person(1), "R-1", now, Low);
            counter.Count(Person(2), "R-2", now, Low);
            counter.Count(Person(3, sensitive: true), "R-1", now, Low);
        }

        using var reopened = Open();

        Assert.Equal(new VolumeTotals(2026, 2, 1), reopened.Totals(null, now));
        Assert.Equal(new VolumeTotals(2026, 1, 1), reopened.Totals("R-1", now));
        Assert.Equal(0, reopened.Probe(Person(2), now).NewNonSensitive);
    }

    [Fact]
    public void Counts_ResetAtMidnightFirstJanuaryChinaTime_NotUtc()
    {
        using var counter = Open();
        var lastChinaSecond = new DateTimeOffset(2026, 12, 31, 15, 59, 59, TimeSpan.Zero); // 23:59:59 CST
        var firstChinaSecond = new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero); // 00:00:00 CST 1 Jan 2027, still 2026 in UTC
        counter.Count(Person(1), "R-1", lastChinaSecond, Low);

        var before = counter.Totals(null, lastChinaSecond);
        var after = counter.Totals(null, firstChinaSecond);

        Assert.Equal(new VolumeTotals(2026, 1, 0), before);
        Assert.Equal(new VolumeTotals(2027, 0, 0), after);
        Assert.Equal(1, counter.Probe(Person(1), firstChinaSecond).NewNonSensitive);
    }

    [Fact]
    public void DecideAndCount_ThirdNewPersonPastExemptTier_IsRefused_KnownPersonStillPasses()
    {
        using var counter = Open();
        var now = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var record = TestRecords.Create("EX-1", "partner.example") with { Mechanism = TransferMechanism.Exempt, ExemptBasis = ExemptBasis.BelowThreshold };
        var policy = TestPolicies.Create(EnforcementMode.Enforce, [record]) with { Thresholds = Low };
        var flow = new TransferContext(IPAddress.Parse("10.0.0.1"), "partner.example", IPAddress.Parse("93.184.216.34"), 80, "US", false,
            new ContentFindings(true, ["email"], false));

        var first = counter.DecideAndCount(policy, flow, now, Person(1));
        var second = counter.DecideAndCount(policy, flow, now, Person(2));
        var third = counter.DecideAndCount(policy, flow, now, Person(3));
        var knownAgain = counter.DecideAndCount(policy, flow, now, Person(1));

        Assert.Equal(ReasonCode.CoveredByAssessment, first.Reason);
        Assert.Equal(ReasonCode.CoveredByAssessment, second.Reason);
        Assert.Equal((TransferVerdict.Block, ReasonCode.VolumeTierExceeded), (third.Verdict, third.Reason));
        Assert.Equal(ReasonCode.CoveredByAssessment, knownAgain.Reason);
        Assert.Equal(2, counter.Totals("EX-1", now).NonSensitive); // the refused person was not counted
    }

    [Fact]
    public void Count_ReachingEightyPercentOfATier_RaisesOneAlert()
    {
        using var counter = Open();
        var now = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var alerts = new List<VolumeAlert>();
        counter.ThresholdApproached += alerts.Add;
        var thresholds = new VolumeThresholds { StandardContract = 5, SecurityAssessment = 100, SensitiveSecurityAssessment = 100 };

        for (var i = 1; i <= 5; i++)
        {
            counter.Count(Person(i), null, now, thresholds);
        }

        Assert.Equal(new VolumeAlert(false, 4, 5), Assert.Single(alerts));
    }
}
