using System.Buffers.Binary;
using EgressGuard.Ledger.Canonical;

namespace EgressGuard.Ledger.Tests.Canonical;

public sealed class CanonicalDecoderTests
{
    [Fact]
    public void TryDecode_EveryTruncation_ReportsAnErrorWithoutThrowing()
    {
        foreach (var bytes in new[] { CanonicalEncoder.Encode(1, LedgerSamples.Full()), CanonicalEncoder.Encode(1, LedgerSamples.Event(1)) })
        {
            for (var length = 0; length < bytes.Length; length++)
            {
                var prefix = bytes.AsSpan(0, length);

                Assert.NotEqual(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(prefix, out var entry));
                Assert.Null(entry);
                Assert.NotEqual(CanonicalDecodeError.None, CanonicalDecoder.Validate(prefix, out _));
            }
        }
    }

    [Fact]
    public void TryDecode_TrailingByte_IsRefused()
    {
        byte[] bytes = [.. CanonicalEncoder.Encode(1, LedgerSamples.Full()), 0x00];

        Assert.Equal(CanonicalDecodeError.TrailingBytes, CanonicalDecoder.TryDecode(bytes, out _));
        Assert.Equal(CanonicalDecodeError.TrailingBytes, CanonicalDecoder.Validate(bytes, out _));
    }

    [Fact]
    public void TryDecode_UnknownVersion_IsRefused()
    {
        var bytes = CanonicalEncoder.Encode(1, LedgerSamples.Full());
        bytes[0] = 2;

        Assert.Equal(CanonicalDecodeError.UnsupportedVersion, CanonicalDecoder.TryDecode(bytes, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(255)]
    public void TryDecode_UnknownEntryKind_IsRefused(byte kind)
    {
        var bytes = CanonicalEncoder.Encode(1, LedgerSamples.Full());
        bytes[CanonicalFormat.KindOffset] = kind;

        Assert.Equal(CanonicalDecodeError.UnknownEntryKind, CanonicalDecoder.TryDecode(bytes, out _));
    }

    [Fact]
    public void TryDecode_BooleanOtherThanZeroOrOne_IsRefused()
    {
        var r = LedgerSamples.Minimal();
        var bytes = CanonicalEncoder.Encode(0, r);

        // Minimal: header 18, id 16, kind 1, client 4+10, host 4+0, ip 1, port 4, country 1, then outbound.
        var outbound = 18 + 16 + 1 + 14 + 4 + 1 + 4 + 1;
        Assert.Equal(0, bytes[outbound]);
        bytes[outbound] = 2;

        Assert.Equal(CanonicalDecodeError.InvalidBoolean, CanonicalDecoder.TryDecode(bytes, out _));
        Assert.Equal(CanonicalDecodeError.InvalidBoolean, CanonicalDecoder.Validate(bytes, out _));
    }

    [Fact]
    public void TryDecode_PresenceByteOtherThanZeroOrOne_IsRefused()
    {
        var bytes = CanonicalEncoder.Encode(0, LedgerSamples.Minimal());
        var ip = 18 + 16 + 1 + 14 + 4;
        bytes[ip] = 7;

        Assert.Equal(CanonicalDecodeError.InvalidPresenceFlag, CanonicalDecoder.TryDecode(bytes, out _));
    }

    [Fact]
    public void TryDecode_InvalidUtf8_IsRefused()
    {
        var bytes = CanonicalEncoder.Encode(0, LedgerSamples.Minimal());
        var clientText = 18 + 16 + 1 + 4;
        bytes[clientText] = 0xC0; // overlong-encoding lead byte: never valid UTF-8

        Assert.Equal(CanonicalDecodeError.InvalidUtf8, CanonicalDecoder.TryDecode(bytes, out _));
    }

    [Fact]
    public void TryDecode_StringLengthPastTheEnd_IsTruncated()
    {
        var bytes = CanonicalEncoder.Encode(0, LedgerSamples.Minimal());
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(18 + 16 + 1), uint.MaxValue);

        Assert.Equal(CanonicalDecodeError.Truncated, CanonicalDecoder.TryDecode(bytes, out _));
    }

    [Fact]
    public void TryDecode_HugeOrNegativeFindingCount_IsRefusedWithoutAllocating()
    {
        var bytes = CanonicalEncoder.Encode(0, LedgerSamples.Minimal());
        var count = bytes.Length - 1 - 4; // geo-build presence byte last, the finding count before it

        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(count), int.MaxValue);
        Assert.Equal(CanonicalDecodeError.Truncated, CanonicalDecoder.TryDecode(bytes, out _));

        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(count), -1);
        Assert.Equal(CanonicalDecodeError.InvalidCount, CanonicalDecoder.TryDecode(bytes, out _));
        Assert.Equal(CanonicalDecodeError.InvalidCount, CanonicalDecoder.Validate(bytes, out _));
    }

    [Fact]
    public void TryDecode_TimeOutsideDateTimeOffset_IsRefused()
    {
        var bytes = CanonicalEncoder.Encode(0, LedgerSamples.Minimal());
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(CanonicalFormat.TimeOffset), long.MaxValue);

        Assert.Equal(CanonicalDecodeError.TimeOutOfRange, CanonicalDecoder.TryDecode(bytes, out _));
    }

    [Fact]
    public void TryDecode_RandomCorruption_NeverThrowsAndReencodesExactly()
    {
        var rng = new Random(5);
        var original = CanonicalEncoder.Encode(3, LedgerSamples.Full());
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])original.Clone();
            var flips = rng.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            }

            var error = CanonicalDecoder.TryDecode(bytes, out var entry);
            Assert.Equal(error, CanonicalDecoder.Validate(bytes, out _));
            if (error == CanonicalDecodeError.None)
            {
                // Whatever decodes is canonical: encoding it again gives the same bytes.
                var again = entry!.Transfer is { } t ? CanonicalEncoder.Encode(entry.Sequence, t) : CanonicalEncoder.Encode(entry.Sequence, entry.Event!);
                Assert.Equal(bytes, again);
            }
        }
    }
}
