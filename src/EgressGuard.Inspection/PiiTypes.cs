namespace EgressGuard.Inspection;

/// <summary>Canonical PII type names carried by <see cref="PiiFinding.Type"/> and accepted by <see cref="ScannerOptions.EnabledTypes"/>.</summary>
public static class PiiTypes
{
    /// <summary>Mainland resident identity card number (18 characters, GB 11643), including HK/MO/TW residence permits and the legacy 15-digit form.</summary>
    public const string CnResidentId = "cn_resident_id";

    /// <summary>Mainland mobile number.</summary>
    public const string CnMobile = "cn_mobile";

    /// <summary>Mainland fixed-line number with an area code.</summary>
    public const string CnLandline = "cn_landline";

    /// <summary>Payment card number (Luhn and issuer range).</summary>
    public const string BankCard = "bank_card";

    /// <summary>PRC, HKSAR or MSAR passport number.</summary>
    public const string CnPassport = "cn_passport";

    /// <summary>Mainland travel permits for Hong Kong, Macao and Taiwan, and the return-home permits.</summary>
    public const string CnTravelPermit = "cn_travel_permit";

    /// <summary>Hong Kong identity card number.</summary>
    public const string HkId = "hk_id";

    /// <summary>Taiwan national identification number.</summary>
    public const string TwId = "tw_id";

    /// <summary>Macao resident identity card number.</summary>
    public const string MoId = "mo_id";

    /// <summary>Unified social credit code of an organisation (GB 32100); not personal.</summary>
    public const string CnUscc = "cn_uscc";

    /// <summary>E-mail address.</summary>
    public const string Email = "email";

    /// <summary>IPv4 or IPv6 address.</summary>
    public const string IpAddress = "ip_address";

    /// <summary>Mobile equipment identity (IMEI or IMEISV).</summary>
    public const string Imei = "imei";

    /// <summary>MAC (EUI-48 or EUI-64) address.</summary>
    public const string MacAddress = "mac_address";

    /// <summary>International bank account number.</summary>
    public const string Iban = "iban";

    /// <summary>US social security number.</summary>
    public const string UsSsn = "us_ssn";

    /// <summary>Mainland vehicle licence plate.</summary>
    public const string CnLicensePlate = "cn_license_plate";

    /// <summary>Person's name, found by field name or label context.</summary>
    public const string PersonName = "person_name";

    /// <summary>Postal address, found by field name or label context.</summary>
    public const string Address = "address";
}
