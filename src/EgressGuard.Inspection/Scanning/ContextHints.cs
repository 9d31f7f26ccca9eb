namespace EgressGuard.Inspection.Scanning;

/// <summary>What nearby words or the enclosing field name say a value is.</summary>
[Flags]
internal enum ContextHints
{
    None = 0,
    IdCard = 1 << 0,
    Phone = 1 << 1,
    Passport = 1 << 2,
    Permit = 1 << 3,
    Imei = 1 << 4,
    Mac = 1 << 5,
    Ssn = 1 << 6,
    MoId = 1 << 7,
    Name = 1 << 8,
    Address = 1 << 9,
    Bank = 1 << 10,

    /// <summary>A version or user-agent field: dotted quads there are versions, not IPv4 addresses.</summary>
    Version = 1 << 11,
    Computed = 1 << 30,
}
