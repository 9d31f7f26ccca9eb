using System.Net;
using System.Text;
using System.Text.Json;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Api;

/// <summary><c>/api/v1/assessments</c> as an admin's tooling and an auditor's script use it.</summary>
public sealed class AssessmentsApiTests
{
    private static string AuditorKey => ApiKeys.Auditor;

    private static string AdminKey => ApiKeys.Admin;

    private static void WithKeys(Dictionary<string, string?> config) => ApiKeys.Configure(config);

    private static HttpClient Client(ApplianceUnderTest box, string? key) => ApiKeys.Client(box, key);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Record(string id, string destination = "127.0.0.2/32", string validTo = "2099-12-31", string categories = "\"*\"") => $$"""
        { "Id": "{{id}}", "Recipient": "Example Analytics Inc.", "RecipientCountry": "US", "Mechanism": "StandardContract",
          "Destinations": ["{{destination}}"], "Categories": [{{categories}}], "SensitiveIncluded": false, "Purpose": "analytics",
          "ValidFrom": "2024-01-01", "ValidTo": "{{validTo}}", "Reference": "SC-2024-001" }
        """;

    private static async Task<int> CountAsync(HttpClient client)
    {
        using var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/assessments"));
        return list.RootElement.GetProperty("assessments").GetArrayLength();
    }

    [Fact]
    public async Task Create_AsAdmin_Is201_ThenEveryRoleReadsIt_WithVersion1()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var admin = Client(box, AdminKey);
        using var auditor = Client(box, AuditorKey);

        using var created = await admin.PostAsync("/api/v1/assessments", Json(Record("SC-1")));
        using var one = JsonDocument.Parse(await auditor.GetStringAsync("/api/v1/assessments/SC-1"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/assessments/SC-1", created.Headers.Location?.OriginalString);
        Assert.Equal("Example Analytics Inc.", one.RootElement.GetProperty("Recipient").GetString());
        Assert.Equal(1, one.RootElement.GetProperty("Version").GetInt32());
        Assert.Equal(1, await CountAsync(auditor));
    }

    [Fact]
    public async Task Writes_WithoutAKey_Are401_AndAsAuditor_Are403_AndNothingIsStored()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var anonymous = Client(box, null);
        using var auditor = Client(box, AuditorKey);

        using var noKey = await anonymous.PostAsync("/api/v1/assessments", Json(Record("SC-1")));
        using var noKeyRead = await anonymous.GetAsync("/api/v1/assessments");
        using var asAuditor = await auditor.PostAsync("/api/v1/assessments", Json(Record("SC-1")));
        using var revokeAsAuditor = await auditor.PostAsync("/api/v1/assessments/SC-1/revoke", Json("""{ "reason": "x" }"""));

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKeyRead.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asAuditor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revokeAsAuditor.StatusCode);
        Assert.Equal(0, await CountAsync(auditor));
    }

    [Fact]
    public async Task Create_WithABadRecord_Is400ListingEachError_AndNothingIsStored()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var admin = Client(box, AdminKey);
        const string Bad = """
            { "Id": "BAD-1", "Mechanism": "StandardContract", "Destinations": ["10.0.0.1/33"], "Categories": ["shoe_size"],
              "ValidFrom": "2026-06-01", "ValidTo": "2026-01-01" }
            """;

        using var response = await admin.PostAsync("/api/v1/assessments", Json(Bad));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = body.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(errors, e => e.Contains("Recipient", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("10.0.0.1/33", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("shoe_size", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ValidTo", StringComparison.Ordinal));
        Assert.True(errors.Count >= 4, string.Join("\n", errors));
        Assert.Equal(0, await CountAsync(admin));
    }

    [Fact]
    public async Task Create_WithNonJsonOrGarbage_IsRefusedCleanly()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var admin = Client(box, AdminKey);

        using var form = await admin.PostAsync("/api/v1/assessments", new StringContent("Id=1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var garbage = await admin.PostAsync("/api/v1/assessments", Json("{\"Id\": [[[[[["));
        using var array = await admin.PostAsync("/api/v1/assessments", Json("[]"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, array.StatusCode);
        Assert.Equal(0, await CountAsync(admin));
    }

    [Fact]
    public async Task Update_MakesVersion2_AndHistoryKeepsBoth_AndAnIdMismatchIs400()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var admin = Client(box, AdminKey);
        (await admin.PostAsync("/api/v1/assessments", Json(Record("SC-1")))).Dispose();

        using var updated = await admin.PutAsync("/api/v1/assessments/SC-1", Json(Record("SC-1", validTo: "2030-12-31")));
        using var mismatch = await admin.PutAsync("/api/v1/assessments/SC-1", Json(Record("SC-2")));
        using var missing = await admin.PutAsync("/api/v1/assessments/NOPE", Json(Record("NOPE")));
        using var history = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/assessments/SC-1/history"));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var versions = history.RootElement.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        Assert.Equal("2030-12-31", versions[1].GetProperty("ValidTo").GetString());
    }

    [Fact]
    public async Task Revoke_StopsCoveringAtOnce_ThroughTheProxy()
    {
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var admin = Client(box, AdminKey);
        (await admin.PostAsync("/api/v1/assessments", Json(Record("SC-1")))).Dispose();
        var before = await ProcessRunner.CurlAsync("-s", "-i", "-x", box.ProxyUrl, us.BaseUrl + "/");

        using var revoked = await admin.PostAsync("/api/v1/assessments/SC-1/revoke", Json("""{ "reason": "contract terminated" }"""));
        var after = await ProcessRunner.CurlAsync("-s", "-i", "-x", box.ProxyUrl, us.BaseUrl + "/");
        using var noReason = await admin.PostAsync("/api/v1/assessments/SC-1/revoke", Json("{}"));

        Assert.Contains("hello from us-origin", before.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains("403", after.StandardOutput.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("X-EgressGuard-Reason: AssessmentRevoked", after.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
    }

    [Fact]
    public async Task EveryChange_IsWrittenToTheTransferLedger_WithWhoAndWhat()
    {
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var admin = Client(box, AdminKey);
        (await admin.PostAsync("/api/v1/assessments", Json(Record("SC-7")))).Dispose();
        (await admin.PostAsync("/api/v1/assessments/SC-7/revoke", Json("""{ "reason": "recipient changed" }"""))).Dispose();

        var changes = new List<EgressGuard.Ledger.Canonical.LedgerEvent>();
        for (var i = 0; i < 100 && changes.Count < 2; i++)
        {
            await box.Running.Ledger.FlushAsync();
            var entries = await box.Running.Ledger.ReadEntriesAsync(0, 1000, CancellationToken.None);
            changes = [.. entries.Where(e => e.Entry.Kind == EgressGuard.Ledger.Canonical.LedgerEntryKind.AssessmentChange).Select(e => e.Entry.Event!)];
            await Task.Delay(100);
        }

        Assert.Equal(["SC-7 v1", "SC-7 v2"], changes.Select(c => c.Subject));
        Assert.Contains("actor=netadmin", changes[0].Detail, StringComparison.Ordinal);
        Assert.Contains("status=Revoked", changes[1].Detail, StringComparison.Ordinal);
    }
}
