namespace EgressGuard.Ledger.Sinks;

/// <summary>The outcome of connecting to a sink's destination.</summary>
/// <param name="Cursor">Where to ship from: the destination's own cursor when it keeps one, otherwise the local one.</param>
/// <param name="Error">Why the connect failed; null on success.</param>
internal readonly record struct SinkConnectResult(SinkCursor Cursor, string? Error)
{
    public static SinkConnectResult Failed(string error) => new(default, error);
}
