using System.Text.Json.Serialization;
using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Storage;

/// <summary>Source-generated JSON for the findings column (no reflection on the writer thread).</summary>
[JsonSerializable(typeof(FindingSummary[]))]
internal sealed partial class FindingsJson : JsonSerializerContext;
