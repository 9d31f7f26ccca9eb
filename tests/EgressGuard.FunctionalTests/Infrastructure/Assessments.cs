namespace EgressGuard.FunctionalTests.Infrastructure;

/// <summary>Builds assessment files for tests.</summary>
internal static class Assessments
{
    public static string One(string id, string destination, string validFrom = "2020-01-01", string validTo = "2099-12-31", string mechanism = "StandardContract") =>
        $$"""
        [
          {
            "Id": "{{id}}",
            "Recipient": "Partner Inc.",
            "Mechanism": "{{mechanism}}",
            "Destinations": ["{{destination}}"],
            "Categories": ["*"],
            "SensitiveIncluded": true,
            "ValidFrom": "{{validFrom}}",
            "ValidTo": "{{validTo}}",
            "Reference": "SC-2026-{{id}}"
          }
        ]
        """;
}
