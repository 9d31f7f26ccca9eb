namespace EgressGuard.Policy.Assessments;

/// <summary>
/// The personal-information types a record may permit: the scanner's canonical type names
/// (<c>EgressGuard.Inspection.PiiTypes</c>) and whether each is sensitive (GB/T 35273-2020 Appendix B,
/// GB/T 45574-2025). Kept here so the policy does not depend on the scanner; a unit test checks the
/// two lists agree.
/// </summary>
public static class PersonalCategories
{
    private static readonly (string Name, bool Sensitive)[] Known =
    [
        ("cn_resident_id", true), ("cn_mobile", false), ("cn_landline", false), ("bank_card", true), ("cn_passport", true),
        ("cn_travel_permit", true), ("hk_id", true), ("tw_id", true), ("mo_id", true), ("cn_uscc", false), ("email", false),
        ("ip_address", false), ("imei", false), ("mac_address", false), ("iban", true), ("us_ssn", true),
        ("cn_license_plate", false), ("person_name", false), ("address", false),
    ];

    /// <summary>Every known type name, in scanner order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(Known, k => k.Name);

    /// <summary>Whether <paramref name="name"/> is a scanner type name.</summary>
    public static bool IsKnown(string name) => Array.FindIndex(Known, k => k.Name == name) >= 0;

    /// <summary>Whether <paramref name="name"/> is a sensitive type.</summary>
    public static bool IsSensitive(string name)
    {
        var at = Array.FindIndex(Known, k => k.Name == name);
        return at >= 0 && Known[at].Sensitive;
    }
}
