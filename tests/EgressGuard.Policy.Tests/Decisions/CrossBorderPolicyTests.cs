using System.Net;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.SourceGroups;
using EgressGuard.Policy.Tests.Assessments;
using EgressGuard.Policy.Volume;

namespace EgressGuard.Policy.Tests.Decisions;

/// <summary>The policy that mirrors the law: source groups, MLPS, uninspected tunnels, status, sensitive data, volume tiers.</summary>
public sealed class CrossBorderPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Destination = IPAddress.Parse("93.184.216.34");

    private static readonly SourceGroup Lab = new() { Name = "lab", Networks = TestPolicies.Networks("10.1.0.0/16"), MlpsLevel = 2 };
    private static readonly SourceGroup Billing = new() { Name = "billing", Networks = TestPolicies.Networks("10.3.0.0/16"), MlpsLevel = 3 };
    private static readonly SourceGroup Trial = new() { Name = "trial", Networks = TestPolicies.Networks("10.4.0.0/16"), Mode = SourceGroupMode.Monitor, Uninspected = UninspectedHandling.Block };
    private static readonly SourceGroup Free = new() { Name = "free", Networks = TestPolicies.Networks("10.5.0.0/16"), Mode = SourceGroupMode.Off, Uninspected = UninspectedHandling.Allow };

    private static PolicySnapshot Snapshot(params AssessmentRecord[] records) => TestPolicies.Create(EnforcementMode.Enforce, records) with
    {
        SourceGroups = new SourceGroupSet([Lab, Billing, Trial, Free]),
        Thresholds = new VolumeThresholds { StandardContract = 100, SecurityAssessment = 1000, SensitiveSecurityAssessment = 10 },
    };

    private static TransferDecision Decide(PolicySnapshot policy, string client, string host, string? country = "US", ContentFindings content = default, bool tunnel = false, VolumeFacts volume = default) =>
        TransferPolicy.Decide(policy, new TransferContext(IPAddress.Parse(client), host, Destination, 443, country, tunnel, content), Now, volume);

    private static ContentFindings Found(bool sensitive, params string[] types) => new(true, types, sensitive);

    [Theory]
    [InlineData("HK")]
    [InlineData("MO")]
    [InlineData("TW")]
    public void Decide_HongKongMacauTaiwan_AreOutbound(string country)
    {
        var decision = Decide(Snapshot(), "10.9.0.1", "partner.example", country);

        Assert.True(decision.Outbound);
        Assert.Equal((TransferVerdict.Block, ReasonCode.NoAssessment), (decision.Verdict, decision.Reason));
    }

    [Fact]
    public void Decide_RevokedRecord_StopsCovering()
    {
        var revoked = TestRecords.Create("R-1", "partner.example") with { Status = AssessmentStatus.Revoked };

        var decision = Decide(Snapshot(revoked), "10.9.0.1", "partner.example", content: Found(false, "email"));

        Assert.Equal((TransferVerdict.Block, ReasonCode.AssessmentRevoked, null), (decision.Verdict, decision.Reason, decision.Assessment));
    }

    [Theory]
    [InlineData(AssessmentStatus.Draft)]
    [InlineData(AssessmentStatus.Suspended)]
    public void Decide_DraftOrSuspendedRecord_IsAsIfAbsent(AssessmentStatus status)
    {
        var record = TestRecords.Create("R-1", "partner.example") with { Status = status };

        Assert.Equal(ReasonCode.NoAssessment, Decide(Snapshot(record), "10.9.0.1", "partner.example", content: Found(false, "email")).Reason);
    }

    [Fact]
    public void Decide_SensitiveFound_RecordWithoutSensitive_IsSensitiveNotCovered_WithSensitiveItIsCovered()
    {
        var plain = TestRecords.Create("R-PLAIN", "partner.example");
        var withSensitive = TestRecords.Create("R-SENS", "partner.example") with { SensitiveIncluded = true };

        var refused = Decide(Snapshot(plain), "10.9.0.1", "partner.example", content: Found(true, "cn_resident_id"));
        var covered = Decide(Snapshot(plain, withSensitive), "10.9.0.1", "partner.example", content: Found(true, "cn_resident_id"));

        Assert.Equal(ReasonCode.SensitiveNotCovered, refused.Reason);
        Assert.Equal((ReasonCode.CoveredByAssessment, "R-SENS"), (covered.Reason, covered.Assessment!.Id));
    }

    [Fact]
    public void Decide_CategoryMissing_IsCategoryNotCovered()
    {
        var emailOnly = TestRecords.Create("R-EMAIL", "partner.example") with { Categories = ["email"] };

        Assert.Equal(ReasonCode.CategoryNotCovered, Decide(Snapshot(emailOnly), "10.9.0.1", "partner.example", content: Found(false, "email", "cn_mobile")).Reason);
        Assert.Equal(ReasonCode.CoveredByAssessment, Decide(Snapshot(emailOnly), "10.9.0.1", "partner.example", content: Found(false, "email")).Reason);
    }

    [Fact]
    public void Decide_RecordForOtherSourceGroup_DoesNotCoverThisClient()
    {
        var labOnly = TestRecords.Create("R-LAB", "partner.example") with { SourceGroups = ["lab"] };

        Assert.Equal(ReasonCode.CoveredByAssessment, Decide(Snapshot(labOnly), "10.1.0.7", "partner.example", content: Found(false, "email")).Reason);
        Assert.Equal(ReasonCode.NoAssessment, Decide(Snapshot(labOnly), "10.4.0.7", "partner.example", content: Found(false, "email")).Reason);
        Assert.Equal(ReasonCode.MlpsDefaultDeny, Decide(Snapshot(labOnly), "10.3.0.7", "partner.example", content: Found(false, "email")).Reason);
        Assert.Equal(ReasonCode.NoAssessment, Decide(Snapshot(labOnly), "10.9.0.7", "partner.example", content: Found(false, "email")).Reason);
    }

    [Fact]
    public void Decide_Mlps3Group_RefusesUnassessedDestinationEvenWithoutPersonalInformation_Level2Passes()
    {
        var snapshot = Snapshot();

        var mlps3 = Decide(snapshot, "10.3.0.9", "unassessed.example", content: ContentFindings.Clean);
        var mlps2 = Decide(snapshot, "10.1.0.9", "unassessed.example", content: ContentFindings.Clean);

        Assert.Equal((TransferVerdict.Block, ReasonCode.MlpsDefaultDeny), (mlps3.Verdict, mlps3.Reason));
        Assert.Equal("billing", mlps3.SourceGroup!.Name);
        Assert.Equal((TransferVerdict.Allow, ReasonCode.NoPersonalInformation), (mlps2.Verdict, mlps2.Reason));
    }

    [Fact]
    public void Decide_Mlps3Group_AssessedDestination_Passes()
    {
        var record = TestRecords.Create("R-1", "partner.example");

        Assert.Equal(ReasonCode.NoPersonalInformation, Decide(Snapshot(record), "10.3.0.9", "partner.example", content: ContentFindings.Clean).Reason);
    }

    [Fact]
    public void Decide_UninspectedTunnel_FollowsTheGroupsSetting()
    {
        var record = TestRecords.Create("R-1", "covered.example");
        var snapshot = Snapshot(record);

        var requireUncovered = Decide(snapshot, "10.1.0.9", "other.example", tunnel: true);
        var requireCovered = Decide(snapshot, "10.1.0.9", "covered.example", tunnel: true);
        var block = Decide(snapshot, "10.4.0.9", "covered.example", tunnel: true);
        var allow = Decide(snapshot, "10.5.0.9", "other.example", tunnel: true);

        Assert.Equal((TransferVerdict.Block, ReasonCode.NoAssessment), (requireUncovered.Verdict, requireUncovered.Reason));
        Assert.Equal((TransferVerdict.Allow, ReasonCode.CoveredByAssessment), (requireCovered.Verdict, requireCovered.Reason));
        Assert.Equal((TransferVerdict.Report, ReasonCode.Uninspected), (block.Verdict, block.Reason)); // trial group is Monitor
        Assert.Equal((TransferVerdict.Allow, ReasonCode.Uninspected), (allow.Verdict, allow.Reason));
    }

    [Fact]
    public void Decide_GroupModes_MonitorReports_OffAllows_OutsideEveryGroupUsesTopLevelMode()
    {
        var snapshot = Snapshot();
        var content = Found(false, "email");

        Assert.Equal(TransferVerdict.Report, Decide(snapshot, "10.4.0.1", "x.example", content: content).Verdict);
        Assert.Equal(TransferVerdict.Allow, Decide(snapshot, "10.5.0.1", "x.example", content: content).Verdict);
        Assert.Equal(TransferVerdict.Block, Decide(snapshot, "10.9.0.1", "x.example", content: content).Verdict);
        Assert.Null(Decide(snapshot, "10.9.0.1", "x.example", content: content).SourceGroup);
    }

    [Theory]
    // Exempt BelowThreshold with StandardContract threshold 100: 99 individuals is the most it allows ("100 or more" needs a contract).
    [InlineData(TransferMechanism.Exempt, 98, 1, 0, 0, ReasonCode.CoveredByAssessment)]
    [InlineData(TransferMechanism.Exempt, 99, 1, 0, 0, ReasonCode.VolumeTierExceeded)]
    [InlineData(TransferMechanism.Exempt, 150, 0, 0, 0, ReasonCode.CoveredByAssessment)]
    [InlineData(TransferMechanism.Exempt, 0, 0, 0, 1, ReasonCode.VolumeTierExceeded)]
    [InlineData(TransferMechanism.StandardContract, 998, 1, 0, 0, ReasonCode.CoveredByAssessment)]
    [InlineData(TransferMechanism.StandardContract, 999, 1, 0, 0, ReasonCode.VolumeTierExceeded)]
    [InlineData(TransferMechanism.StandardContract, 0, 0, 8, 1, ReasonCode.CoveredByAssessment)]
    [InlineData(TransferMechanism.StandardContract, 0, 0, 9, 1, ReasonCode.VolumeTierExceeded)]
    [InlineData(TransferMechanism.SecurityAssessment, 5000, 1, 500, 1, ReasonCode.CoveredByAssessment)]
    public void Decide_VolumeTier_IsExactAtTheThreshold(TransferMechanism mechanism, long counted, int fresh, long sensitiveCounted, int sensitiveFresh, ReasonCode expected)
    {
        var record = TestRecords.Create("R-1", "partner.example") with
        {
            Mechanism = mechanism,
            ExemptBasis = mechanism == TransferMechanism.Exempt ? ExemptBasis.BelowThreshold : null,
            SensitiveIncluded = true,
        };

        var decision = Decide(Snapshot(record), "10.9.0.1", "partner.example", content: Found(sensitiveFresh > 0, "email"),
            volume: new VolumeFacts(counted, sensitiveCounted, fresh, sensitiveFresh));

        Assert.Equal(expected, decision.Reason);
        Assert.Equal("R-1", decision.Assessment!.Id);
        Assert.Equal(expected == ReasonCode.VolumeTierExceeded ? TransferVerdict.Block : TransferVerdict.Allow, decision.Verdict);
    }

    [Theory]
    [InlineData(ExemptBasis.Contract)]
    [InlineData(ExemptBasis.HumanResources)]
    [InlineData(ExemptBasis.Emergency)]
    public void Decide_ExemptionsAtAnyVolume_HaveNoTier(ExemptBasis basis)
    {
        var record = TestRecords.Create("R-1", "partner.example") with { Mechanism = TransferMechanism.Exempt, ExemptBasis = basis, SensitiveIncluded = true };

        var decision = Decide(Snapshot(record), "10.9.0.1", "partner.example", content: Found(true, "cn_resident_id"), volume: new VolumeFacts(5_000_000, 50_000, 1, 1));

        Assert.Equal(ReasonCode.CoveredByAssessment, decision.Reason);
    }

    [Fact]
    public void Decide_VolumeTierExceeded_InMonitorGroup_IsReported()
    {
        var record = TestRecords.Create("R-1", "partner.example") with { Mechanism = TransferMechanism.Exempt, ExemptBasis = ExemptBasis.BelowThreshold };

        var decision = Decide(Snapshot(record), "10.4.0.1", "partner.example", content: Found(false, "email"), volume: new VolumeFacts(99, 0, 1, 0));

        Assert.Equal((TransferVerdict.Report, ReasonCode.VolumeTierExceeded), (decision.Verdict, decision.Reason));
    }

    [Theory]
    [InlineData("2026-12-31T15:59:59Z", ReasonCode.CoveredByAssessment)] // 23:59:59 China time, last second of ValidTo
    [InlineData("2026-12-31T16:00:00Z", ReasonCode.AssessmentExpired)]   // 00:00:00 the next China day
    [InlineData("2025-12-31T15:59:59Z", ReasonCode.AssessmentNotYetValid)]
    [InlineData("2025-12-31T16:00:00Z", ReasonCode.CoveredByAssessment)] // 00:00:00 1 January China time
    public void Decide_Validity_IsExactToTheSecondInChinaTime(string instant, ReasonCode expected)
    {
        var record = TestRecords.Create("R-1", "partner.example", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));

        var decision = TransferPolicy.Decide(Snapshot(record),
            new TransferContext(IPAddress.Parse("10.9.0.1"), "partner.example", Destination, 443, "US", false, Found(false, "email")),
            DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, decision.Reason);
        Assert.Equal(AssessmentStatus.Active, record.StatusAt(DateTimeOffset.Parse("2026-12-31T15:59:59Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(AssessmentStatus.Expired, record.StatusAt(DateTimeOffset.Parse("2026-12-31T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void AssessmentIndex_ManyNetworks_FindsTheLowestRecordAcrossPrefixLengths()
    {
        var records = new List<AssessmentRecord>();
        for (var i = 0; i < 200; i++)
        {
            records.Add(TestRecords.Create("N-" + i, $"10.{i}.0.0/16"));
        }

        records.Add(TestRecords.Create("WIDE", "10.0.0.0/8"));
        records.Add(TestRecords.Create("V6", "2001:db8:42::/48"));
        var index = new AssessmentIndex(records);

        Assert.Equal("N-7", index.Find("h", IPAddress.Parse("10.7.1.2"), null, Now).Covering!.Id);
        Assert.Equal("WIDE", index.Find("h", IPAddress.Parse("10.250.1.2"), null, Now).Covering!.Id);
        Assert.Equal("N-7", index.Find("h", IPAddress.Parse("::ffff:10.7.1.2"), null, Now).Covering!.Id);
        Assert.Equal("V6", index.Find("h", IPAddress.Parse("2001:db8:42:ffff::1"), null, Now).Covering!.Id);
        Assert.Null(index.Find("h", IPAddress.Parse("2001:db8:43::1"), null, Now).Covering);
        Assert.Null(index.Find("h", IPAddress.Parse("11.0.0.1"), null, Now).Covering);
    }
}
