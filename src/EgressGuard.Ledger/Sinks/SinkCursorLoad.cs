namespace EgressGuard.Ledger.Sinks;

/// <summary>A cursor read from disk, or the start of the log and why the file could not be used.</summary>
/// <param name="Cursor">The cursor (the start of the log when <paramref name="Error"/> is set).</param>
/// <param name="Error">Why the file was not usable; null when it was read or absent.</param>
internal readonly record struct SinkCursorLoad(SinkCursor Cursor, string? Error);
