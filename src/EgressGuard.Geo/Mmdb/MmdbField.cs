namespace EgressGuard.Geo.Mmdb;

/// <summary>
/// The decoded header of one data-section field.
/// </summary>
/// <param name="Type">The field's type.</param>
/// <param name="Size">
/// Payload size in bytes for scalars, the number of pairs for a map, the number of elements for an
/// array, the value (0 or 1) for a boolean; for a pointer, the offset it points to.
/// </param>
/// <param name="PayloadOffset">Offset of the first payload byte (or first element of a container).</param>
/// <param name="End">
/// Offset just past the field for scalars and pointers; for containers, the same as
/// <paramref name="PayloadOffset"/> (the elements follow and must be walked).
/// </param>
internal readonly record struct MmdbField(MmdbType Type, int Size, int PayloadOffset, int End);
