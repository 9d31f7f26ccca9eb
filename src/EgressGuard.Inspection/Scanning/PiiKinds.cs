namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// Per-type facts: canonical name, whether it identifies a natural person, and whether it is sensitive
/// personal information (GB/T 35273-2020 Appendix B, GB/T 45574-2025); the reasons are in the README.
/// </summary>
internal static class PiiKinds
{
    public const int Count = 19;

    private static readonly string[] Names =
    [
        PiiTypes.CnResidentId, PiiTypes.CnMobile, PiiTypes.CnLandline, PiiTypes.BankCard, PiiTypes.CnPassport,
        PiiTypes.CnTravelPermit, PiiTypes.HkId, PiiTypes.TwId, PiiTypes.MoId, PiiTypes.CnUscc, PiiTypes.Email,
        PiiTypes.IpAddress, PiiTypes.Imei, PiiTypes.MacAddress, PiiTypes.Iban, PiiTypes.UsSsn, PiiTypes.CnLicensePlate,
        PiiTypes.PersonName, PiiTypes.Address,
    ];

    private static readonly byte[][] NameBytes = BuildNameBytes();

    /// <summary>Canonical type name.</summary>
    public static string Name(PiiKind kind) => Names[(int)kind];

    /// <summary>Canonical type name as UTF-8, used as the fingerprint domain separator.</summary>
    public static ReadOnlySpan<byte> NameUtf8(PiiKind kind) => NameBytes[(int)kind];

    /// <summary>False only for organisation identifiers.</summary>
    public static bool IsPersonal(PiiKind kind) => kind != PiiKind.Uscc;

    /// <summary>Identity documents and financial accounts are sensitive; contact data and device ids are not.</summary>
    public static bool IsSensitive(PiiKind kind) => kind switch
    {
        PiiKind.ResidentId or PiiKind.Passport or PiiKind.TravelPermit or PiiKind.HkId or PiiKind.TwId
            or PiiKind.MoId or PiiKind.BankCard or PiiKind.Iban or PiiKind.UsSsn => true,
        _ => false,
    };

    /// <summary>Looks a canonical name up.</summary>
    public static bool TryParse(string name, out PiiKind kind)
    {
        var index = Array.IndexOf(Names, name);
        kind = (PiiKind)Math.Max(index, 0);
        return index >= 0;
    }

    private static byte[][] BuildNameBytes()
    {
        var result = new byte[Names.Length][];
        for (var i = 0; i < Names.Length; i++)
        {
            result[i] = System.Text.Encoding.UTF8.GetBytes(Names[i]);
        }

        return result;
    }
}
