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

    /// <summary>
    /// The value is named as an identifier of something else (order, transaction, trace, tracking number…): a
    /// Luhn-valid number there is not taken as a bank card unless a card keyword is nearby too.
    /// </summary>
    OtherId = 1 << 12,
    Computed = 1 << 30,
}
