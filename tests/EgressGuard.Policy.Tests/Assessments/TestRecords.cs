using EgressGuard.Policy.Assessments;

namespace EgressGuard.Policy.Tests.Assessments;

/// <summary>Builds assessment records for tests; destinations are parsed the way the file reader parses them.</summary>
internal static class TestRecords
{
    public static readonly DateOnly DefaultFrom = new(2026, 1, 1);
    public static readonly DateOnly DefaultTo = new(2026, 12, 31);

    public static AssessmentRecord Create(string id, string destination, DateOnly? validFrom = null, DateOnly? validTo = null) =>
        Create(id, [destination], validFrom, validTo);

    public static AssessmentRecord Create(string id, string[] destinations, DateOnly? validFrom = null, DateOnly? validTo = null)
    {
        var patterns = new List<DestinationPattern>();
        foreach (var text in destinations)
        {
            Assert.True(DestinationPattern.TryParse(text, out var pattern, out var error), error);
            patterns.Add(pattern!);
        }

        return new AssessmentRecord
        {
            Id = id,
            Recipient = "Example Overseas Ltd.",
            Mechanism = TransferMechanism.StandardContract,
            Destinations = patterns,
            Categories = ["*"],
            ValidFrom = validFrom ?? DefaultFrom,
            ValidTo = validTo ?? DefaultTo,
        };
    }
}
