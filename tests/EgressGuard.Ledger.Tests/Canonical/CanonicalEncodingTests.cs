using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Tests.Canonical;

public sealed class CanonicalEncodingTests
{
    [Fact]
    public void Encode_FullRecord_MatchesTheDocumentedByteLayout()
    {
        var r = LedgerSamples.Full();

        // Built field by field from the README table, independently of the encoder.
        var expected = new List<byte> { 0x01, 0x01 };
        AddU64(expected, 42);
        AddI64(expected, CanonicalTime.ToUnixMicroseconds(r.Time));
        expected.AddRange(Convert.FromHexString("0195a3c412347abc8def0123456789ab"));
        expected.Add(1); // Tunnel
        AddString(expected, "fd00::17");
        AddString(expected, "api.example.com");
        expected.Add(1);
        AddString(expected, "2606:2800:220:1:248:1893:25c8:1946");
        AddI32(expected, 8443);
        expected.Add(1);
        AddString(expected, "US");
        expected.Add(1); // outbound
        expected.Add(0); // Monitor
        expected.Add(2); // Report
        expected.Add(4); // AssessmentExpired
        expected.Add(1);
        AddString(expected, "SCC-2026-001");
        expected.Add(1);
        AddString(expected, "CONNECT");
        AddI32(expected, 200);
        AddI64(expected, 123_456_789_012);
        AddI64(expected, 987_654_321);
        AddI64(expected, 1_234_567_891);
        expected.Add(1);
        AddString(expected, "Partial");
        AddI32(expected, 2);
        AddString(expected, "cn_resident_id");
        AddI32(expected, 3);
        expected.Add(1);
        AddString(expected, "110105********002X");
        AddString(expected, "email");
        AddI32(expected, 1);
        expected.Add(0);
        AddString(expected, "a***@example.cn");
        expected.Add(1);
        AddString(expected, "2026-02-24T00:00:00Z");

        Assert.Equal(Convert.ToHexString([.. expected]), Convert.ToHexString(CanonicalEncoder.Encode(42, r)));
    }

    [Fact]
    public void Encode_MinimalRecord_WritesAbsentMarkersForNulls()
    {
        var r = LedgerSamples.Minimal();

        var expected = new List<byte> { 0x01, 0x01 };
        AddU64(expected, 0);
        AddI64(expected, 1_772_323_200_000_000); // 2026-03-01T00:00:00Z
        expected.AddRange(Convert.FromHexString("0195a3c4000070008000000000000001"));
        expected.Add(0); // Http
        AddString(expected, "172.20.0.9");
        AddString(expected, string.Empty);
        expected.Add(0); // ip null
        AddI32(expected, 0);
        expected.Add(0); // country null
        expected.Add(0);
        expected.Add(0); // Monitor
        expected.Add(1); // Block
        expected.Add(7); // ClientNotAllowed
        expected.Add(0);
        expected.Add(0);
        AddI32(expected, 0);
        AddI64(expected, 0);
        AddI64(expected, 0);
        AddI64(expected, 0);
        expected.Add(0); // inspection null
        AddI32(expected, 0); // no findings
        expected.Add(0); // geo build null

        Assert.Equal(Convert.ToHexString([.. expected]), Convert.ToHexString(CanonicalEncoder.Encode(0, r)));
    }

    [Fact]
    public void Encoding_CoversEveryPropertyOfTheRecordTypes()
    {
        // A property added to TransferRecord or FindingSummary is not tamper-evident until the
        // canonical encoding (and its version byte and README table) covers it: this test fails first.
        string[] encodedTransfer =
        [
            "Id", "Time", "Kind", "Client", "Host", "Ip", "Port", "Country", "Outbound", "Mode", "Decision", "Reason",
            "AssessmentId", "Method", "Status", "BytesUp", "BytesDown", "Duration", "Inspection", "Findings", "GeoDatabaseBuild",
        ];
        string[] encodedFinding = ["Type", "Count", "Sensitive", "Masked"];

        Assert.Equal(encodedTransfer.Order(), typeof(TransferRecord).GetProperties().Where(p => p.DeclaringType == typeof(TransferRecord) && p.Name != "EqualityContract").Select(p => p.Name).Order());
        Assert.Equal(encodedFinding.Order(), typeof(FindingSummary).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name).Order());
    }

    [Fact]
    public void LeafHash_KnownRecord_IsPinned()
    {
        // Golden value: if this changes, every stored ledger stops verifying. Bump the version byte instead.
        var leaf = TreeHasher.HashLeaf(CanonicalEncoder.Encode(7, LedgerSamples.Full()));

        Assert.Equal(PinnedFullLeafHash, leaf.ToString());
    }

    [Fact]
    public void LeafHash_IsSha256OfZeroPrefixedEncoding()
    {
        var bytes = CanonicalEncoder.Encode(3, LedgerSamples.Transfer(3));

        var expected = SHA256.HashData([0x00, .. bytes]);

        Assert.Equal(Convert.ToHexStringLower(expected), TreeHasher.HashLeaf(bytes).ToString());
    }

    [Fact]
    public void Decode_FullAndMinimal_RoundTrip()
    {
        foreach (var r in new[] { LedgerSamples.Full(), LedgerSamples.Minimal() })
        {
            var bytes = CanonicalEncoder.Encode(9, r);

            Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(bytes, out var entry));
            Assert.Equal(9UL, entry!.Sequence);
            Assert.Equal(LedgerEntryKind.Transfer, entry.Kind);
            Assert.Equal(r, entry.Transfer);
            Assert.Null(entry.Event);
        }
    }

    [Fact]
    public void Decode_RandomRecords_RoundTripBothWays()
    {
        var rng = new Random(20260301);
        for (var i = 0; i < 2_000; i++)
        {
            var r = LedgerSamples.Random(rng);
            var seq = (ulong)rng.NextInt64() * 2;
            var bytes = CanonicalEncoder.Encode(seq, r);

            Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(bytes, out var entry));
            Assert.Equal(r, entry!.Transfer);
            Assert.Equal(seq, entry.Sequence);
            Assert.Equal(bytes, CanonicalEncoder.Encode(seq, entry.Transfer!));
            Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.Validate(bytes, out var header));
            Assert.Equal(seq, header.Sequence);
        }
    }

    [Fact]
    public void Encode_SameInstantInAnotherOffset_GivesSameBytes()
    {
        var r = LedgerSamples.Full();
        var utc = r with { Time = r.Time.ToUniversalTime() };

        Assert.Equal(CanonicalEncoder.Encode(1, r), CanonicalEncoder.Encode(1, utc));
        Assert.Equal(CanonicalEncoder.Encode(1, r), CanonicalEncoder.Encode(1, r));
    }

    [Fact]
    public void Encode_SubMicrosecondTicks_AreRoundedDown()
    {
        var r = LedgerSamples.Minimal() with
        {
            Time = LedgerSamples.BaseTime.AddTicks(19),
            Duration = TimeSpan.FromTicks(25),
        };

        CanonicalDecoder.TryDecode(CanonicalEncoder.Encode(0, r), out var entry);

        Assert.Equal(LedgerSamples.BaseTime.AddTicks(10), entry!.Transfer!.Time);
        Assert.Equal(TimeSpan.FromTicks(20), entry.Transfer.Duration);
        Assert.Equal(-1, CanonicalTime.ToUnixMicroseconds(DateTimeOffset.UnixEpoch.AddTicks(-1)));
    }

    [Fact]
    public void Encode_LoneSurrogate_BecomesReplacementCharacter()
    {
        var r = LedgerSamples.Minimal() with { Host = "a\uD800b" };

        CanonicalDecoder.TryDecode(CanonicalEncoder.Encode(0, r), out var entry);

        Assert.Equal("a\uFFFDb", entry!.Transfer!.Host);
    }

    [Fact]
    public void Events_EveryKind_RoundTrip()
    {
        foreach (var kind in new[] { LedgerEntryKind.Purge, LedgerEntryKind.KeyRotation, LedgerEntryKind.AssessmentChange, LedgerEntryKind.LegalHold })
        {
            for (var i = 0; i < 2; i++)
            {
                var e = LedgerSamples.Event(i, kind);
                var bytes = CanonicalEncoder.Encode(5, e);

                Assert.Equal((byte)kind, bytes[CanonicalFormat.KindOffset]);
                Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryDecode(bytes, out var entry));
                Assert.Equal(kind, entry!.Kind);
                Assert.Equal(e, entry.Event);
                Assert.Null(entry.Transfer);
                Assert.Equal(bytes, CanonicalEncoder.Encode(5, entry.Event!));
            }
        }
    }

    [Fact]
    public void Event_Layout_IsHeaderIdSubjectDetail()
    {
        var e = LedgerSamples.Event(1, LedgerEntryKind.Purge);

        var expected = new List<byte> { 0x01, 0x02 };
        AddU64(expected, 11);
        AddI64(expected, CanonicalTime.ToUnixMicroseconds(e.Time));
        var id = new byte[16];
        e.Id.TryWriteBytes(id, bigEndian: true, out _);
        expected.AddRange(id);
        AddString(expected, e.Subject);
        expected.Add(1);
        AddString(expected, e.Detail!);

        Assert.Equal([.. expected], CanonicalEncoder.Encode(11, e));
    }

    [Fact]
    public void Event_WithTransferKind_IsRefused()
    {
        var e = LedgerSamples.Event(1) with { Kind = LedgerEntryKind.Transfer };

        Assert.Throws<ArgumentException>(() => CanonicalEncoder.Encode(0, e));
    }

    [Fact]
    public void Header_HoldsSequenceAndTimeAtDocumentedOffsets()
    {
        var r = LedgerSamples.Transfer(5);
        var bytes = CanonicalEncoder.Encode(0x0102030405060708, r);

        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(CanonicalFormat.SequenceOffset)));
        Assert.Equal(CanonicalTime.ToUnixMicroseconds(r.Time), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(CanonicalFormat.TimeOffset)));
        Assert.Equal(CanonicalDecodeError.None, CanonicalDecoder.TryReadHeader(bytes, out var header));
        Assert.Equal(r.Time, header.Time);
        Assert.Equal(LedgerEntryKind.Transfer, header.Kind);
    }

    [Fact]
    public void TryEncode_BufferTooSmall_ReturnsFalse()
    {
        var r = LedgerSamples.Full();
        var exact = CanonicalEncoder.GetEncodedLength(r);

        Assert.False(CanonicalEncoder.TryEncode(0, r, new byte[exact - 1], out _));
        Assert.True(CanonicalEncoder.TryEncode(0, r, new byte[exact], out var written));
        Assert.Equal(exact, written);
        Assert.True(CanonicalEncoder.GetMaxEncodedLength(r) >= exact);
    }

    [Fact]
    public void Encode_IntoBufferWriter_AppendsRecordsBackToBack()
    {
        var writer = new ArrayBufferWriter<byte>();
        var transfer = LedgerSamples.Transfer(0);
        var ledgerEvent = LedgerSamples.Event(1);
        var a = CanonicalEncoder.Encode(0, transfer, writer);
        var b = CanonicalEncoder.Encode(1, ledgerEvent, writer);

        Assert.Equal(a + b, writer.WrittenCount);
        Assert.Equal(CanonicalEncoder.Encode(0, transfer), writer.WrittenSpan[..a].ToArray());
        Assert.Equal(CanonicalEncoder.Encode(1, ledgerEvent), writer.WrittenSpan[a..].ToArray());
    }

    [Fact]
    public void TryEncode_IntoCallerBuffer_DoesNotAllocate()
    {
        var r = LedgerSamples.Full();
        var buffer = new byte[1024];
        CanonicalEncoder.TryEncode(0, r, buffer, out _);
        TreeHasher.HashLeaf(buffer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (ulong i = 0; i < 1_000; i++)
        {
            CanonicalEncoder.TryEncode(i, r, buffer, out var written);
            TreeHasher.HashLeaf(buffer.AsSpan(0, written));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void EnumCodes_ArePinnedToTheDocumentedTable()
    {
        // The encoding stores these numbers; the README table lists them. Renumbering breaks every ledger.
        Assert.Equal([0, 1], Enum.GetValues<TransferKind>().Select(v => (int)v));
        Assert.Equal([0, 1], Enum.GetValues<EnforcementMode>().Select(v => (int)v));
        Assert.Equal([0, 1, 2, 3], Enum.GetValues<TransferVerdict>().Select(v => (int)v));
        Assert.Equal(Enumerable.Range(1, 20), Enum.GetValues<ReasonCode>().Select(v => (int)v));
        Assert.Equal([1, 2, 3, 4, 5], Enum.GetValues<LedgerEntryKind>().Select(v => (int)v));
        Assert.Equal((int)ReasonCode.Domestic, 1);
        Assert.Equal((int)ReasonCode.CategoryNotCovered, 13);
        Assert.Equal((int)ReasonCode.AssessmentRevoked, 14);
        Assert.Equal((int)ReasonCode.SensitiveNotCovered, 15);
        Assert.Equal((int)ReasonCode.VolumeTierExceeded, 16);
        Assert.Equal((int)ReasonCode.MlpsDefaultDeny, 17);
        Assert.Equal((int)ReasonCode.Uninspected, 18);
        Assert.Equal((int)ReasonCode.UpstreamCertificateInvalid, 19);
        Assert.Equal((int)ReasonCode.LedgerUnavailable, 20);
    }

    // Computed independently (a few lines of Python following the README table) and pinned.
    internal const string PinnedFullLeafHash = "def102f4ae257c4be98db5b219735d85e0f9eb8e7c8887001d586a55a9873970";

    private static void AddU64(List<byte> b, ulong v)
    {
        var s = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(s, v);
        b.AddRange(s);
    }

    private static void AddI64(List<byte> b, long v) => AddU64(b, (ulong)v);

    private static void AddI32(List<byte> b, int v)
    {
        var s = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(s, v);
        b.AddRange(s);
    }

    private static void AddString(List<byte> b, string v)
    {
        var utf8 = Encoding.UTF8.GetBytes(v);
        var len = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)utf8.Length);
        b.AddRange(len);
        b.AddRange(utf8);
    }
}
