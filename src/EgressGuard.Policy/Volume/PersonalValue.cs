namespace EgressGuard.Policy.Volume;

/// <summary>One personal finding as the counter needs it (the proxy maps scanner findings to this).</summary>
/// <param name="Fingerprint">The keyed fingerprint, lower-case hex (HMAC-SHA256 under the appliance key).</param>
/// <param name="Sensitive">Sensitive personal information.</param>
/// <param name="Location">Where it was found, in the scanner's Location format (e.g. <c>body/json:$.users[3].idCard</c>).</param>
public readonly record struct PersonalValue(string Fingerprint, bool Sensitive, string Location);
