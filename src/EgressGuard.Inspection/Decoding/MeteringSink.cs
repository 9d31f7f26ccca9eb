namespace EgressGuard.Inspection.Decoding;

/// <summary>Counts decoded bytes and stops the payload at <see cref="ScannerOptions.MaxDecodedBytes"/>.</summary>
internal sealed class MeteringSink : ByteSink
{
    private readonly ByteSink _next;
    private readonly DecodeState _state;

    public MeteringSink(ByteSink next, DecodeState state)
    {
        _next = next;
        _state = state;
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_state.Stopped)
        {
            return;
        }

        var room = _state.MaxDecodedBytes - _state.BytesDecoded;
        if (data.Length > room)
        {
            data = data[..(int)Math.Max(0, room)];
            _state.Fail(DecodeStatus.SizeLimitExceeded, stop: false);
            _state.BytesDecoded += data.Length;
            _next.Write(data);
            _state.Fail(DecodeStatus.SizeLimitExceeded, stop: true);
            return;
        }

        _state.BytesDecoded += data.Length;
        _next.Write(data);
    }

    public override void Complete() => _next.Complete();

    public override void Dispose() => _next.Dispose();
}
