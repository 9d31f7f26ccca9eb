namespace EgressGuard.Inspection;

/// <summary>One piece of personal information found in a scanned payload. Never holds the raw value.</summary>
public sealed record PiiFinding
{
    /// <summary>Canonical type name, one of <see cref="PiiTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>True when the value identifies a natural person (false only for organisation codes).</summary>
    public bool Personal { get; init; }

    /// <summary>True for sensitive personal information (GB/T 35273-2020 Appendix B, GB/T 45574-2025): identity documents and financial accounts.</summary>
    public bool Sensitive { get; init; }

    /// <summary>True when a check digit or checksum passed (resident ID, bank card, USCC, IBAN, HK/TW ID, IMEI).</summary>
    public bool Validated { get; init; }

    /// <summary>How sure the detector is, 0..1: checksum-validated values are near 1, context-only ones lower.</summary>
    public float Confidence { get; init; }

    /// <summary>Masked sample for reviewers, e.g. <c>110105********002X</c> or <c>138****8000</c>.</summary>
    public required string Masked { get; init; }

    /// <summary>
    /// HMAC-SHA256 of the type and the normalised value under the appliance key, lower-case hex: the same
    /// person's value in any surface form (+86, dashes, fullwidth digits, 15/18-digit ID) gives the same fingerprint.
    /// </summary>
    public required string Fingerprint { get; init; }

    /// <summary>
    /// Byte offset of the value: into the input as given for plain (unencoded UTF-8) content; otherwise into the
    /// decoded text of <see cref="Location"/> (decompressed, JSON-unescaped, percent-decoded, transcoded to UTF-8).
    /// </summary>
    public long Start { get; init; }

    /// <summary>Length in bytes, in the same coordinates as <see cref="Start"/>.</summary>
    public int Length { get; init; }

    /// <summary>Where the value was: <c>body</c>, <c>body/json:$.user.idCard</c>, <c>body/form:name</c>, <c>query:name</c>, <c>path</c>, <c>header:X-User</c>, <c>multipart:file.csv</c>…</summary>
    public required string Location { get; init; }
}
