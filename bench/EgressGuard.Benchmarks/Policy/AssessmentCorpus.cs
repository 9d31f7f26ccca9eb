using System.Globalization;
using EgressGuard.Policy.Assessments;

namespace EgressGuard.Benchmarks.Policy;

/// <summary>
/// Synthetic assessment records, built through <see cref="DestinationPattern.TryParse"/> exactly as
/// the assessment file reader builds them.
/// </summary>
internal static class AssessmentCorpus
{
    /// <summary>Countries that carry <c>country:XX</c> patterns in the large corpus (none is the benchmark's "BR").</summary>
    private static readonly string[] PatternCountries = ["US", "DE", "FR", "GB", "JP", "KR", "IE", "NL", "SE", "CH"];

    private static readonly DateOnly ValidFrom = new(2025, 1, 1);
    private static readonly DateOnly ValidTo = new(2027, 12, 31);
    private static readonly DateOnly ExpiredFrom = new(2023, 1, 1);
    private static readonly DateOnly ExpiredTo = new(2024, 12, 31);

    /// <summary>A handful of records: one per pattern kind plus an expired one.</summary>
    public static List<AssessmentRecord> Small() =>
    [
        Record("small-0", valid: true, "country:US"),
        Record("small-1", valid: true, "api.payments.example"),
        Record("small-2", valid: true, "*.cdn.example"),
        Record("small-3", valid: true, "45.0.0.0/24"),
        Record("small-4", valid: false, "old.partner.example"),
    ];

    /// <summary>
    /// <paramref name="count"/> records with exactly 10 patterns each. For record <c>i</c>: six exact
    /// hosts <c>api{k}.vendor{i}.example</c>; two suffixes <c>*.svc{k}.vendor{i}.example</c>; slot 8
    /// is <c>country:XX</c> when <c>i % 5 == 0</c>, else a host; slot 9 is a /24 when
    /// <c>i % 10 == 3</c> and <paramref name="withCidrs"/>, else a host. For 10,000 records:
    /// 77,000 hosts, 20,000 suffixes, 2,000 country patterns and 1,000 CIDRs (100,000 patterns;
    /// without CIDRs, 78,000 hosts). Every tenth record (<c>i % 10 == 9</c>) has expired.
    /// </summary>
    public static List<AssessmentRecord> Large(int count, bool withCidrs)
    {
        var records = new List<AssessmentRecord>(count);
        var patterns = new string[10];
        for (var i = 0; i < count; i++)
        {
            var vendor = "vendor" + i.ToString(CultureInfo.InvariantCulture) + ".example";
            for (var k = 0; k < 6; k++)
            {
                patterns[k] = "api" + k.ToString(CultureInfo.InvariantCulture) + "." + vendor;
            }

            patterns[6] = "*.svc0." + vendor;
            patterns[7] = "*.svc1." + vendor;
            patterns[8] = i % 5 == 0 ? "country:" + PatternCountries[(i / 5) % PatternCountries.Length] : "www." + vendor;
            patterns[9] = withCidrs && i % 10 == 3 ? Cidr(i / 10) : "upload." + vendor;
            records.Add(Record("large-" + i.ToString(CultureInfo.InvariantCulture), valid: i % 10 != 9, patterns));
        }

        return records;
    }

    /// <summary>The j-th /24 of the large corpus: 45.0.0.0/24, 45.0.1.0/24, … (j &lt; 65,536).</summary>
    private static string Cidr(int j) => string.Create(CultureInfo.InvariantCulture, $"45.{j / 256}.{j % 256}.0/24");

    private static AssessmentRecord Record(string id, bool valid, params string[] destinationTexts)
    {
        var destinations = new List<DestinationPattern>(destinationTexts.Length);
        foreach (var text in destinationTexts)
        {
            if (!DestinationPattern.TryParse(text, out var pattern, out var error))
            {
                throw new InvalidOperationException(error);
            }

            destinations.Add(pattern!);
        }

        return new AssessmentRecord
        {
            Id = id,
            Recipient = "Recipient of " + id,
            Mechanism = TransferMechanism.StandardContract,
            Destinations = destinations,
            Categories = ["*"],
            ValidFrom = valid ? ValidFrom : ExpiredFrom,
            ValidTo = valid ? ValidTo : ExpiredTo,
        };
    }
}
