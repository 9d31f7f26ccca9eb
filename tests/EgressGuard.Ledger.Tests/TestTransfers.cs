using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Tests;

/// <summary>Transfer records for tests; times and durations are whole microseconds, the ledger's precision.</summary>
internal static class TestTransfers
{
    public static readonly DateTimeOffset BaseTime = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static TransferRecord Create(
        DateTimeOffset time,
        TransferVerdict decision = TransferVerdict.Allow,
        ReasonCode reason = ReasonCode.Domestic,
        string? country = "CN",
        string client = "10.0.0.1",
        string host = "www.example.cn") => new()
        {
            Id = Guid.CreateVersion7(time),
            Time = time,
            Kind = TransferKind.Http,
            Client = client,
            Host = host,
            Ip = "93.184.216.34",
            Port = 443,
            Country = country,
            Outbound = country is not "CN",
            Mode = EnforcementMode.Enforce,
            Decision = decision,
            Reason = reason,
            Method = "GET",
            Status = decision == TransferVerdict.Block ? 403 : 200,
            BytesUp = 100,
            BytesDown = 2_000,
            Duration = TimeSpan.FromMicroseconds(1_500),
            GeoDatabaseBuild = "2026-02-24",
        };

    /// <summary>Every field set, non-default, with an offset that is not UTC.</summary>
    public static TransferRecord Full() => new()
    {
        Id = Guid.Parse("0195a3c4-1234-7abc-8def-0123456789ab"),
        Time = new DateTimeOffset(2026, 3, 1, 8, 9, 10, TimeSpan.FromHours(8)).AddTicks(1_234_560),
        Kind = TransferKind.Tunnel,
        Client = "fd00::17",
        Host = "api.example.com",
        Ip = "2606:2800:220:1:248:1893:25c8:1946",
        Port = 8443,
        Country = "US",
        Outbound = true,
        Mode = EnforcementMode.Monitor,
        Decision = TransferVerdict.Report,
        Reason = ReasonCode.AssessmentExpired,
        AssessmentId = "SCC-2026-001",
        Method = "CONNECT",
        Status = 200,
        BytesUp = 123_456_789_012,
        BytesDown = 987_654_321,
        Duration = TimeSpan.FromMicroseconds(1_234_567_891),
        GeoDatabaseBuild = "2026-02-24T00:00:00Z",
        Inspection = "Complete",
        Findings = [new FindingSummary("cn_resident_id", 2, true, "3604**********0071"), new FindingSummary("email", 1, false, "z***@example.com")],
    };

    /// <summary>Only the required fields; every optional one null or default.</summary>
    public static TransferRecord Minimal() => new()
    {
        Id = Guid.Parse("0195a3c4-0000-7000-8000-000000000001"),
        Time = BaseTime,
        Kind = TransferKind.Http,
        Client = "172.20.0.9",
        Host = string.Empty,
        Decision = TransferVerdict.Block,
        Reason = ReasonCode.ClientNotAllowed,
    };
}
