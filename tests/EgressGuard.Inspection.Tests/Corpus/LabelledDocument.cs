namespace EgressGuard.Inspection.Tests.Corpus;

/// <summary>A generated request body and the findings a correct scanner reports in it, as (type, location) pairs.</summary>
internal sealed record LabelledDocument(string Kind, byte[] Body, string? ContentType, string? ContentEncoding, IReadOnlyList<(string Type, string Location)> Expected);
