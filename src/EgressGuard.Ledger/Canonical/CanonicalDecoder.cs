using System.Buffers.Binary;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Canonical;

/// <summary>
/// Reads canonical entries back. Strict: anything but the exact bytes <see cref="CanonicalEncoder"/>
/// would write for some entry is refused with a <see cref="CanonicalDecodeError"/>, never an
/// exception, so <c>Encode(Decode(b)) == b</c> for every accepted <c>b</c>.
/// </summary>
public static class CanonicalDecoder
{
    /// <summary>Reads the fixed header without looking at the payload.</summary>
    public static CanonicalDecodeError TryReadHeader(ReadOnlySpan<byte> data, out LedgerEntryHeader header)
    {
        header = default;
        if (data.Length < CanonicalFormat.HeaderLength)
        {
            return CanonicalDecodeError.Truncated;
        }

        var version = data[0];
        if (version != CanonicalFormat.Version1)
        {
            return CanonicalDecodeError.UnsupportedVersion;
        }

        var kind = (LedgerEntryKind)data[CanonicalFormat.KindOffset];
        if (!Enum.IsDefined(kind))
        {
            return CanonicalDecodeError.UnknownEntryKind;
        }

        var micros = BinaryPrimitives.ReadInt64BigEndian(data[CanonicalFormat.TimeOffset..]);
        if (!CanonicalTime.TryFromUnixMicroseconds(micros, out _))
        {
            return CanonicalDecodeError.TimeOutOfRange;
        }

        header = new LedgerEntryHeader(version, kind, BinaryPrimitives.ReadUInt64BigEndian(data[CanonicalFormat.SequenceOffset..]), micros);
        return CanonicalDecodeError.None;
    }

    /// <summary>
    /// Checks that <paramref name="data"/> is one canonical entry without allocating (no strings are
    /// materialised); the verifier uses this on every record.
    /// </summary>
    public static CanonicalDecodeError Validate(ReadOnlySpan<byte> data, out LedgerEntryHeader header)
    {
        var error = TryReadHeader(data, out header);
        if (error != CanonicalDecodeError.None)
        {
            return error;
        }

        var r = new CanonicalReader(data[CanonicalFormat.HeaderLength..]);
        if (header.Kind == LedgerEntryKind.Transfer)
        {
            _ = r.TryReadGuid(out _) && r.TryReadByte(out _) && r.TrySkipString(out _) && r.TrySkipString(out _)
                && r.TrySkipNullableString(out _, out _) && r.TryReadInt32(out _) && r.TrySkipNullableString(out _, out _)
                && r.TryReadBoolean(out _) && r.TryReadByte(out _) && r.TryReadByte(out _) && r.TryReadByte(out _)
                && r.TrySkipNullableString(out _, out _) && r.TrySkipNullableString(out _, out _) && r.TryReadInt32(out _)
                && r.TryReadInt64(out _) && r.TryReadInt64(out _) && ReadDuration(ref r, out _)
                && r.TrySkipNullableString(out _, out _) && SkipFindings(ref r) && r.TrySkipNullableString(out _, out _);
        }
        else
        {
            _ = r.TryReadGuid(out _) && r.TrySkipString(out _) && r.TrySkipNullableString(out _, out _);
        }

        return Finish(ref r);
    }

    /// <summary>Decodes one entry; <paramref name="entry"/> is null unless the result is <see cref="CanonicalDecodeError.None"/>.</summary>
    public static CanonicalDecodeError TryDecode(ReadOnlySpan<byte> data, out LedgerEntry? entry)
    {
        entry = null;
        var error = TryReadHeader(data, out var header);
        if (error != CanonicalDecodeError.None)
        {
            return error;
        }

        var time = header.Time;
        var r = new CanonicalReader(data[CanonicalFormat.HeaderLength..]);
        if (header.Kind == LedgerEntryKind.Transfer)
        {
            if (r.TryReadGuid(out var id) && r.TryReadByte(out var kind) && r.TryReadString(out var client) && r.TryReadString(out var host)
                && r.TryReadNullableString(out var ip) && r.TryReadInt32(out var port) && r.TryReadNullableString(out var country)
                && r.TryReadBoolean(out var outbound) && r.TryReadByte(out var mode) && r.TryReadByte(out var decision)
                && r.TryReadByte(out var reason) && r.TryReadNullableString(out var assessmentId) && r.TryReadNullableString(out var method)
                && r.TryReadInt32(out var status) && r.TryReadInt64(out var bytesUp) && r.TryReadInt64(out var bytesDown)
                && ReadDuration(ref r, out var duration) && r.TryReadNullableString(out var inspection)
                && ReadFindings(ref r, out var findings) && r.TryReadNullableString(out var geoBuild) && r.AtEnd)
            {
                entry = new LedgerEntry
                {
                    Sequence = header.Sequence,
                    Kind = LedgerEntryKind.Transfer,
                    Transfer = new TransferRecord
                    {
                        Id = id,
                        Time = time,
                        Kind = (TransferKind)kind,
                        Client = client,
                        Host = host,
                        Ip = ip,
                        Port = port,
                        Country = country,
                        Outbound = outbound,
                        Mode = (EnforcementMode)mode,
                        Decision = (TransferVerdict)decision,
                        Reason = (ReasonCode)reason,
                        AssessmentId = assessmentId,
                        Method = method,
                        Status = status,
                        BytesUp = bytesUp,
                        BytesDown = bytesDown,
                        Duration = duration,
                        Inspection = inspection,
                        Findings = findings,
                        GeoDatabaseBuild = geoBuild,
                    },
                };
            }
        }
        else if (r.TryReadGuid(out var id) && r.TryReadString(out var subject) && r.TryReadNullableString(out var detail) && r.AtEnd)
        {
            entry = new LedgerEntry
            {
                Sequence = header.Sequence,
                Kind = header.Kind,
                Event = new LedgerEvent { Id = id, Time = time, Kind = header.Kind, Subject = subject, Detail = detail },
            };
        }

        if (entry is not null)
        {
            return CanonicalDecodeError.None;
        }

        var failure = Finish(ref r);
        return failure == CanonicalDecodeError.None ? CanonicalDecodeError.TrailingBytes : failure;
    }

    // A finding takes at least 13 bytes, so a count larger than the remaining bytes allow is refused
    // before anything is allocated for it.
    private const int MinFindingLength = 4 + 4 + 1 + 4;

    private static bool ReadFindingCount(ref CanonicalReader r, out int count)
    {
        if (!r.TryReadInt32(out count))
        {
            return false;
        }

        if (count < 0 || count > r.Remaining / MinFindingLength)
        {
            return r.Fail(count < 0 ? CanonicalDecodeError.InvalidCount : CanonicalDecodeError.Truncated);
        }

        return true;
    }

    private static bool SkipFindings(ref CanonicalReader r)
    {
        if (!ReadFindingCount(ref r, out var count))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!(r.TrySkipString(out _) && r.TryReadInt32(out _) && r.TryReadBoolean(out _) && r.TrySkipString(out _)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ReadFindings(ref CanonicalReader r, out IReadOnlyList<FindingSummary> findings)
    {
        findings = [];
        if (!ReadFindingCount(ref r, out var count))
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        var list = new FindingSummary[count];
        for (var i = 0; i < count; i++)
        {
            if (!(r.TryReadString(out var type) && r.TryReadInt32(out var n) && r.TryReadBoolean(out var sensitive) && r.TryReadString(out var masked)))
            {
                return false;
            }

            list[i] = new FindingSummary(type, n, sensitive, masked);
        }

        findings = list;
        return true;
    }

    private static bool ReadDuration(ref CanonicalReader r, out TimeSpan duration)
    {
        duration = default;
        if (!r.TryReadInt64(out var micros))
        {
            return false;
        }

        return CanonicalTime.TryFromMicroseconds(micros, out duration) || r.Fail(CanonicalDecodeError.TimeOutOfRange);
    }

    private static CanonicalDecodeError Finish(ref CanonicalReader r)
    {
        if (r.Error != CanonicalDecodeError.None)
        {
            return r.Error;
        }

        return r.AtEnd ? CanonicalDecodeError.None : CanonicalDecodeError.TrailingBytes;
    }
}
