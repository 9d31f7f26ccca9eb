using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using EgressGuard.Ledger.Records;

namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// Writes the canonical encoding (version 1) of a ledger entry: the bytes that are hashed into the
/// Merkle tree and that every export re-derives. Deterministic; no allocation when writing into a
/// caller's span or <see cref="IBufferWriter{T}"/>. Layout: <c>src/EgressGuard.Ledger/README.md</c>.
/// </summary>
public static class CanonicalEncoder
{
    // Fixed-size parts of a transfer payload after the header: id 16, kind 1, port 4, outbound 1,
    // mode 1, decision 1, reason 1, status 4, bytes up 8, bytes down 8, duration 8, finding count 4;
    // then two length prefixes for the required strings and six presence bytes for the nullable ones.
    private const int TransferFixedLength = CanonicalFormat.HeaderLength + 16 + 1 + 4 + 1 + 1 + 1 + 1 + 4 + 8 + 8 + 8 + 4
        + (2 * sizeof(uint)) + 6;

    // Per finding: type length prefix 4, count 4, sensitive 1, masked length prefix 4.
    private const int FindingFixedLength = 4 + 4 + 1 + 4;

    // Event payload: id 16, subject length prefix, detail presence byte.
    private const int EventFixedLength = CanonicalFormat.HeaderLength + 16 + sizeof(uint) + 1;

    /// <summary>An upper bound on the encoded size of <paramref name="record"/> (cheap: no UTF-8 counting).</summary>
    public static int GetMaxEncodedLength(TransferRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var length = TransferFixedLength + MaxString(record.Client) + MaxString(record.Host) + MaxNullableString(record.Ip)
            + MaxNullableString(record.Country) + MaxNullableString(record.AssessmentId) + MaxNullableString(record.Method)
            + MaxNullableString(record.Inspection) + MaxNullableString(record.GeoDatabaseBuild);
        var findings = record.Findings;
        if (findings is not null)
        {
            for (var i = 0; i < findings.Count; i++)
            {
                length += FindingFixedLength + MaxString(findings[i]?.Type) + MaxString(findings[i]?.Masked);
            }
        }

        return length;
    }

    /// <summary>The exact encoded size of <paramref name="record"/>.</summary>
    public static int GetEncodedLength(TransferRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var length = TransferFixedLength + ExactString(record.Client) + ExactString(record.Host) + ExactNullableString(record.Ip)
            + ExactNullableString(record.Country) + ExactNullableString(record.AssessmentId) + ExactNullableString(record.Method)
            + ExactNullableString(record.Inspection) + ExactNullableString(record.GeoDatabaseBuild);
        var findings = record.Findings;
        if (findings is not null)
        {
            for (var i = 0; i < findings.Count; i++)
            {
                length += FindingFixedLength + ExactString(findings[i]?.Type) + ExactString(findings[i]?.Masked);
            }
        }

        return length;
    }

    /// <summary>An upper bound on the encoded size of <paramref name="ledgerEvent"/>.</summary>
    public static int GetMaxEncodedLength(LedgerEvent ledgerEvent)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        return EventFixedLength + MaxString(ledgerEvent.Subject) + MaxNullableString(ledgerEvent.Detail);
    }

    /// <summary>The exact encoded size of <paramref name="ledgerEvent"/>.</summary>
    public static int GetEncodedLength(LedgerEvent ledgerEvent)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        return EventFixedLength + ExactString(ledgerEvent.Subject) + ExactNullableString(ledgerEvent.Detail);
    }

    /// <summary>
    /// Encodes <paramref name="record"/> as entry <paramref name="sequence"/> into
    /// <paramref name="destination"/>; false (nothing meaningful written) when it is too small.
    /// </summary>
    public static bool TryEncode(ulong sequence, TransferRecord record, Span<byte> destination, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckRequired(record.Client, record.Host);
        var findings = record.Findings;
        if (findings is null)
        {
            ThrowRequiredNull();
        }

        for (var i = 0; i < findings.Count; i++)
        {
            var finding = findings[i];
            if (finding is null)
            {
                ThrowRequiredNull();
            }

            CheckRequired(finding.Type, finding.Masked);
        }

        if (destination.Length < GetMaxEncodedLength(record) && destination.Length < GetEncodedLength(record))
        {
            bytesWritten = 0;
            return false;
        }

        var w = new CanonicalWriter(destination);
        WriteHeader(ref w, LedgerEntryKind.Transfer, sequence, record.Time);
        w.WriteGuid(record.Id);
        w.WriteByte(ToByte((int)record.Kind, nameof(record.Kind)));
        w.WriteString(record.Client);
        w.WriteString(record.Host);
        w.WriteNullableString(record.Ip);
        w.WriteInt32(record.Port);
        w.WriteNullableString(record.Country);
        w.WriteByte(record.Outbound ? (byte)1 : (byte)0);
        w.WriteByte(ToByte((int)record.Mode, nameof(record.Mode)));
        w.WriteByte(ToByte((int)record.Decision, nameof(record.Decision)));
        w.WriteByte(ToByte((int)record.Reason, nameof(record.Reason)));
        w.WriteNullableString(record.AssessmentId);
        w.WriteNullableString(record.Method);
        w.WriteInt32(record.Status);
        w.WriteInt64(record.BytesUp);
        w.WriteInt64(record.BytesDown);
        w.WriteInt64(CanonicalTime.ToMicroseconds(record.Duration));
        w.WriteNullableString(record.Inspection);
        w.WriteInt32(findings.Count);
        for (var i = 0; i < findings.Count; i++)
        {
            var finding = findings[i];
            w.WriteString(finding.Type);
            w.WriteInt32(finding.Count);
            w.WriteByte(finding.Sensitive ? (byte)1 : (byte)0);
            w.WriteString(finding.Masked);
        }

        w.WriteNullableString(record.GeoDatabaseBuild);
        bytesWritten = w.Position;
        return true;
    }

    /// <summary>
    /// Encodes <paramref name="ledgerEvent"/> as entry <paramref name="sequence"/> into
    /// <paramref name="destination"/>; false when it is too small.
    /// </summary>
    /// <exception cref="ArgumentException">The event's kind is <see cref="LedgerEntryKind.Transfer"/> or not defined.</exception>
    public static bool TryEncode(ulong sequence, LedgerEvent ledgerEvent, Span<byte> destination, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        if (ledgerEvent.Kind == LedgerEntryKind.Transfer || !Enum.IsDefined(ledgerEvent.Kind))
        {
            ThrowInvalidEventKind(ledgerEvent.Kind);
        }

        CheckRequired(ledgerEvent.Subject, string.Empty);
        if (destination.Length < GetMaxEncodedLength(ledgerEvent) && destination.Length < GetEncodedLength(ledgerEvent))
        {
            bytesWritten = 0;
            return false;
        }

        var w = new CanonicalWriter(destination);
        WriteHeader(ref w, ledgerEvent.Kind, sequence, ledgerEvent.Time);
        w.WriteGuid(ledgerEvent.Id);
        w.WriteString(ledgerEvent.Subject);
        w.WriteNullableString(ledgerEvent.Detail);
        bytesWritten = w.Position;
        return true;
    }

    /// <summary>Encodes <paramref name="record"/> into <paramref name="writer"/>; returns the bytes written.</summary>
    public static int Encode(ulong sequence, TransferRecord record, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(GetMaxEncodedLength(record));
        if (!TryEncode(sequence, record, span, out var written))
        {
            ThrowBufferTooSmall();
        }

        writer.Advance(written);
        return written;
    }

    /// <summary>Encodes <paramref name="ledgerEvent"/> into <paramref name="writer"/>; returns the bytes written.</summary>
    public static int Encode(ulong sequence, LedgerEvent ledgerEvent, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(GetMaxEncodedLength(ledgerEvent));
        if (!TryEncode(sequence, ledgerEvent, span, out var written))
        {
            ThrowBufferTooSmall();
        }

        writer.Advance(written);
        return written;
    }

    /// <summary>The encoding of <paramref name="record"/> in a new array of exactly its length (exports, tests).</summary>
    public static byte[] Encode(ulong sequence, TransferRecord record)
    {
        var bytes = new byte[GetEncodedLength(record)];
        TryEncode(sequence, record, bytes, out _);
        return bytes;
    }

    /// <summary>The encoding of <paramref name="ledgerEvent"/> in a new array of exactly its length.</summary>
    public static byte[] Encode(ulong sequence, LedgerEvent ledgerEvent)
    {
        var bytes = new byte[GetEncodedLength(ledgerEvent)];
        TryEncode(sequence, ledgerEvent, bytes, out _);
        return bytes;
    }

    private static void WriteHeader(ref CanonicalWriter w, LedgerEntryKind kind, ulong sequence, DateTimeOffset time)
    {
        w.WriteByte(CanonicalFormat.CurrentVersion);
        w.WriteByte((byte)kind);
        w.WriteUInt64(sequence);
        w.WriteInt64(CanonicalTime.ToUnixMicroseconds(time));
    }

    private static int MaxString(string? value) => value is null ? 0 : Encoding.UTF8.GetMaxByteCount(value.Length);

    private static int MaxNullableString(string? value) => value is null ? 0 : sizeof(uint) + Encoding.UTF8.GetMaxByteCount(value.Length);

    private static int ExactString(string? value) => value is null ? 0 : Encoding.UTF8.GetByteCount(value);

    private static int ExactNullableString(string? value) => value is null ? 0 : sizeof(uint) + Encoding.UTF8.GetByteCount(value);

    private static byte ToByte(int value, string field)
    {
        if ((uint)value > byte.MaxValue)
        {
            ThrowEnumOutOfRange(field, value);
        }

        return (byte)value;
    }

    private static void CheckRequired(string? first, string? second)
    {
        if (first is null || second is null)
        {
            ThrowRequiredNull();
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEnumOutOfRange(string field, int value) =>
        throw new ArgumentOutOfRangeException(field, value, "The canonical encoding stores this enum in one byte (0-255).");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowRequiredNull() =>
        throw new ArgumentException("A required value (client, host, findings and their type and sample, or subject) is null.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidEventKind(LedgerEntryKind kind) =>
        throw new ArgumentException($"A ledger event cannot have kind {kind}: use a defined non-transfer kind.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBufferTooSmall() =>
        throw new InvalidOperationException("The buffer writer returned a span shorter than requested.");
}
