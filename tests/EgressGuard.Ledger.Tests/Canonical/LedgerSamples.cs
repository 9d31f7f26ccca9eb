using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Tests.Canonical;

/// <summary>Records and events for the canonical, Merkle and verification tests (whole-microsecond times).</summary>
internal static class LedgerSamples
{
    public static readonly DateTimeOffset BaseTime = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every field set, non-default, with a non-UTC offset.</summary>
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
        Inspection = "Partial",
        Findings =
        [
            new FindingSummary("cn_resident_id", 3, true, "110105********002X"),
            new FindingSummary("email", 1, false, "a***@example.cn"),
        ],
        GeoDatabaseBuild = "2026-02-24T00:00:00Z",
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

    /// <summary>A realistic transfer, different for each <paramref name="i"/>.</summary>
    public static TransferRecord Transfer(int i)
    {
        var time = BaseTime.AddMicroseconds(i * 1_000L);
        return new TransferRecord
        {
            Id = Guid.CreateVersion7(time),
            Time = time,
            Kind = i % 7 == 0 ? TransferKind.Tunnel : TransferKind.Http,
            Client = "10.0." + (i % 200) + "." + (i % 250),
            Host = "api" + (i % 97) + ".example.com",
            Ip = i % 11 == 0 ? null : "93.184.216." + (i % 250),
            Port = i % 7 == 0 ? 443 : 80,
            Country = i % 13 == 0 ? null : (i % 2 == 0 ? "US" : "CN"),
            Outbound = i % 2 == 0,
            Mode = EnforcementMode.Enforce,
            Decision = i % 5 == 0 ? TransferVerdict.Block : TransferVerdict.Allow,
            Reason = i % 5 == 0 ? ReasonCode.NoAssessment : ReasonCode.CoveredByAssessment,
            AssessmentId = i % 5 == 0 ? null : "SCC-2026-" + (i % 10),
            Method = i % 7 == 0 ? "CONNECT" : "POST",
            Status = i % 5 == 0 ? 403 : 200,
            BytesUp = i * 17L,
            BytesDown = i * 1_031L,
            Duration = TimeSpan.FromMicroseconds(1_500 + i),
            Inspection = i % 2 == 0 ? "Complete" : null,
            Findings = i % 4 == 0 ? [new FindingSummary("cn_mobile", 1 + (i % 3), false, "138****" + (i % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture))] : [],
            GeoDatabaseBuild = "2026-02-24",
        };
    }

    /// <summary>A non-transfer entry.</summary>
    public static LedgerEvent Event(int i, LedgerEntryKind kind = LedgerEntryKind.AssessmentChange) => new()
    {
        Id = Guid.CreateVersion7(BaseTime.AddSeconds(i)),
        Time = BaseTime.AddSeconds(i),
        Kind = kind,
        Subject = "SCC-2026-" + i,
        Detail = i % 2 == 0 ? null : "action=updated validUntil=2027-01-01",
    };

    /// <summary>A random record exercising extremes: nulls, empty and non-ASCII strings, edge integers and times.</summary>
    public static TransferRecord Random(Random rng)
    {
        var micros = rng.NextInt64(CanonicalTime.ToUnixMicroseconds(DateTimeOffset.MinValue), CanonicalTime.ToUnixMicroseconds(DateTimeOffset.MaxValue));
        return new TransferRecord
        {
            Id = new Guid(Bytes(rng, 16)),
            Time = CanonicalTime.FromUnixMicroseconds(micros).ToOffset(TimeSpan.FromMinutes(rng.Next(-14 * 60, 14 * 60))),
            Kind = (TransferKind)rng.Next(0, 256),
            Client = Text(rng),
            Host = Text(rng),
            Ip = rng.Next(3) == 0 ? null : Text(rng),
            Port = PickInt(rng),
            Country = rng.Next(3) == 0 ? null : Text(rng),
            Outbound = rng.Next(2) == 0,
            Mode = (EnforcementMode)rng.Next(0, 256),
            Decision = (TransferVerdict)rng.Next(0, 256),
            Reason = (ReasonCode)rng.Next(0, 256),
            AssessmentId = rng.Next(3) == 0 ? null : Text(rng),
            Method = rng.Next(3) == 0 ? null : Text(rng),
            Status = PickInt(rng),
            BytesUp = PickLong(rng),
            BytesDown = PickLong(rng),
            Duration = TimeSpan.FromMicroseconds(rng.NextInt64(TimeSpan.MinValue.Ticks / 10, TimeSpan.MaxValue.Ticks / 10)),
            Inspection = rng.Next(3) == 0 ? null : Text(rng),
            Findings = [.. Enumerable.Range(0, rng.Next(4)).Select(_ => new FindingSummary(Text(rng), PickInt(rng), rng.Next(2) == 0, Text(rng)))],
            GeoDatabaseBuild = rng.Next(3) == 0 ? null : Text(rng),
        };
    }

    private static int PickInt(Random rng) => rng.Next(4) switch
    {
        0 => int.MinValue,
        1 => int.MaxValue,
        2 => 0,
        _ => rng.Next(int.MinValue, int.MaxValue),
    };

    private static long PickLong(Random rng) => rng.Next(4) switch
    {
        0 => long.MinValue,
        1 => long.MaxValue,
        2 => 0,
        _ => rng.NextInt64(long.MinValue, long.MaxValue),
    };

    private static byte[] Bytes(Random rng, int count)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        return bytes;
    }

    // Well-formed UTF-16 only (lone surrogates are deliberately lossy; tested separately).
    private static string Text(Random rng)
    {
        string[] pieces = ["", "a", "example.com", "ü", "中国", "😀", "\0", "\n", "x y", "\u2014", "+"];
        var count = rng.Next(0, 6);
        var s = string.Empty;
        for (var i = 0; i < count; i++)
        {
            s += pieces[rng.Next(pieces.Length)];
        }

        return s;
    }
}
