namespace EgressGuard.Ledger.Records;

/// <summary>
/// What a transfer carried of one personal-information type: never the value itself, only the
/// count, whether the type is sensitive, and one masked sample for the reviewer.
/// </summary>
/// <param name="Type">Scanner type name, e.g. <c>cn_resident_id</c>.</param>
/// <param name="Count">Findings of this type in the transfer.</param>
/// <param name="Sensitive">Sensitive personal information (GB/T 35273-2020, GB/T 45574-2025).</param>
/// <param name="Masked">One masked sample, e.g. <c>110105********002X</c>.</param>
public sealed record FindingSummary(string Type, int Count, bool Sensitive, string Masked);
