using System.Buffers;

namespace EgressGuard.Benchmarks.Proxy;

/// <summary>
/// A segment of a multi-segment <see cref="ReadOnlySequence{T}"/>, the shape a Kestrel/Pipelines
/// read has when a head arrives in several TCP reads.
/// </summary>
internal sealed class ChainedSegment : ReadOnlySequenceSegment<byte>
{
    private ChainedSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Splits <paramref name="bytes"/> into <paramref name="parts"/> nearly equal, separately allocated segments.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> bytes, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 2);
        var size = bytes.Length / parts;
        var first = new ChainedSegment(bytes[..size].ToArray(), 0);
        var last = first;
        for (var i = 1; i < parts; i++)
        {
            var start = i * size;
            var end = i == parts - 1 ? bytes.Length : start + size;
            var next = new ChainedSegment(bytes[start..end].ToArray(), start);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
