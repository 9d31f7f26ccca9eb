namespace EgressGuard.Inspection.Scanning;

/// <summary>Internal index of a PII type; <see cref="PiiKinds"/> maps it to the canonical name.</summary>
internal enum PiiKind : byte
{
    ResidentId,
    Mobile,
    Landline,
    BankCard,
    Passport,
    TravelPermit,
    HkId,
    TwId,
    MoId,
    Uscc,
    Email,
    IpAddress,
    Imei,
    MacAddress,
    Iban,
    UsSsn,
    LicensePlate,
    PersonName,
    Address,
}
