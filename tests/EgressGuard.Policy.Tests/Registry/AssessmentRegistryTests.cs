using System.Text;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Registry;
using EgressGuard.Policy.Tests.Assessments;
using EgressGuard.Tests.Common;

namespace EgressGuard.Policy.Tests.Registry;

public sealed class AssessmentRegistryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private SqliteAssessmentRegistry Open()
    {
        var registry = SqliteAssessmentRegistry.Open(_dir.Path, _time, out var error);
        Assert.True(registry is not null, error);
        return registry!;
    }

    [Fact]
    public void Create_ThenUpdate_ThenRevoke_KeepsEveryVersionWithWhoWhenWhat()
    {
        using var registry = Open();
        var record = TestRecords.Create("SC-1", "*.partner.example");

        var created = registry.Create(record, "alice");
        _time.Now = _time.Now.AddHours(1);
        var updated = registry.Update(record with { Purpose = "payroll", Categories = ["email", "cn_mobile"] }, "bob");
        _time.Now = _time.Now.AddHours(1);
        var revoked = registry.Revoke("SC-1", "carol", "contract ended");

        Assert.Equal(RegistryOutcome.Stored, created.Outcome);
        Assert.Equal(1, created.Record!.Version);
        Assert.Equal(2, updated.Record!.Version);
        Assert.Equal(3, revoked.Record!.Version);
        Assert.Equal(AssessmentStatus.Revoked, registry.Find("SC-1")!.Status);
        var changes = registry.Changes("SC-1");
        Assert.Equal(["created", "changed: Categories, Purpose", "revoked: contract ended"], changes.Select(c => c.Change));
        Assert.Equal(["alice", "bob", "carol"], changes.Select(c => c.Actor));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), changes[1].Time);
        Assert.Equal([1, 2, 3], registry.History("SC-1").Select(r => r.Version));
    }

    [Fact]
    public void Create_InvalidRecord_ListsEveryErrorAndStoresNothing()
    {
        using var registry = Open();
        var bad = TestRecords.Create("BAD-1", "example.com") with
        {
            Categories = ["shoe_size"],
            ValidFrom = new DateOnly(2026, 2, 1),
            ValidTo = new DateOnly(2026, 1, 1),
            Mechanism = TransferMechanism.Exempt,
        };

        var result = registry.Create(bad, "alice");

        Assert.Equal(RegistryOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Errors, e => e.Contains("'shoe_size'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("ValidTo 2026-01-01 is before ValidFrom 2026-02-01", StringComparison.Ordinal));
        Assert.Empty(registry.Current());
        Assert.Empty(registry.History("BAD-1"));
    }

    [Fact]
    public void Create_ExistingId_IsAConflict_AndUpdateOfUnknownIdIsNotFound()
    {
        using var registry = Open();
        registry.Create(TestRecords.Create("SC-1", "a.example"), "alice");

        Assert.Equal(RegistryOutcome.Conflict, registry.Create(TestRecords.Create("SC-1", "b.example"), "alice").Outcome);
        Assert.Equal(RegistryOutcome.NotFound, registry.Update(TestRecords.Create("NOPE", "b.example"), "alice").Outcome);
        Assert.Equal(RegistryOutcome.NotFound, registry.Revoke("NOPE", "alice", "why").Outcome);
    }

    [Fact]
    public void Update_WithAStaleVersion_IsAConflict()
    {
        using var registry = Open();
        var v1 = registry.Create(TestRecords.Create("SC-1", "a.example"), "alice").Record!;
        registry.Update(v1 with { Notes = "first" }, "bob");

        var stale = registry.Update(v1 with { Notes = "second" }, "carol");

        Assert.Equal(RegistryOutcome.Conflict, stale.Outcome);
        Assert.Equal("first", registry.Find("SC-1")!.Notes);
    }

    [Fact]
    public void Update_WithNoChange_MakesNoNewVersion()
    {
        using var registry = Open();
        var v1 = registry.Create(TestRecords.Create("SC-1", "a.example"), "alice").Record!;

        var same = registry.Update(v1, "bob");

        Assert.Equal(RegistryOutcome.Stored, same.Outcome);
        Assert.Single(registry.History("SC-1"));
    }

    [Fact]
    public void ChangeByAnotherProcess_IsSeenByPoll_AndSurvivesReopen()
    {
        using var appliance = Open();
        var changed = 0;
        appliance.Changed += () => changed++;
        using (var cli = Open())
        {
            cli.Create(TestRecords.Create("SC-CLI", "a.example"), "cli:admin");
        }

        Assert.Empty(appliance.Current());
        Assert.True(appliance.Poll());
        Assert.False(appliance.Poll());
        Assert.Equal("SC-CLI", Assert.Single(appliance.Current()).Id);
        Assert.Equal(1, changed);
    }

    [Fact]
    public void PendingLedgerChanges_AreDrainedOnce()
    {
        using var registry = Open();
        registry.Create(TestRecords.Create("SC-1", "a.example"), "alice");
        registry.Revoke("SC-1", "bob", "ended");

        var pending = registry.PendingLedgerChanges();
        foreach (var change in pending)
        {
            registry.MarkLedgered(change.Id, change.Version);
        }

        Assert.Equal([1, 2], pending.Select(c => c.Version));
        Assert.Empty(registry.PendingLedgerChanges());
    }

    [Fact]
    public void Import_CreatesNewChangesExistingLeavesIdentical_AndRefusesAllOnOneError()
    {
        using var registry = Open();
        registry.Create(TestRecords.Create("SC-1", "a.example"), "alice");
        registry.Create(TestRecords.Create("SC-2", "b.example"), "alice");

        var result = registry.Import(
            [TestRecords.Create("SC-1", "a.example"), TestRecords.Create("SC-2", "c.example"), TestRecords.Create("SC-3", "d.example")], "file:x");
        var refused = registry.Import([TestRecords.Create("SC-4", "e.example"), TestRecords.Create("SC-5", "e.example") with { Categories = ["nope"] }], "file:x");

        Assert.Equal((1, 1, 1), (result.Added, result.Changed, result.Unchanged));
        Assert.False(refused.Succeeded);
        Assert.Null(registry.Find("SC-4"));
        Assert.Equal(3, registry.Current().Count);
    }

    [Fact]
    public void StoredRecord_RoundTripsEveryField()
    {
        using var registry = Open();
        var full = TestRecords.Create("EX-HR", ["*.hr.example", "203.0.113.0/24", "country:HK"]) with
        {
            Mechanism = TransferMechanism.Exempt,
            ExemptBasis = ExemptBasis.HumanResources,
            RecipientCountry = "HK",
            RecipientContact = "dpo@hr.example",
            SourceGroups = ["hr", "finance"],
            Categories = ["person_name", "cn_resident_id"],
            SensitiveIncluded = true,
            Purpose = "payroll",
            Status = AssessmentStatus.Active,
            ApprovedBy = "legal",
            ApprovedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Reference = "HR-2026-1",
            Notes = "备注",
        };

        registry.Create(full, "alice");
        using var reopened = Open();
        var stored = reopened.Find("EX-HR")!;

        Assert.Equal(
            Encoding.UTF8.GetString(AssessmentFileWriter.WriteRecord(full with { Version = 1 })),
            Encoding.UTF8.GetString(AssessmentFileWriter.WriteRecord(stored)));
    }
}
