using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace EgressGuard.Ledger.Export;

/// <summary>
/// Writes an offline-verifiable export: one data file (<c>entries.csv</c> or <c>entries.jsonl</c>)
/// holding every entry of a contiguous sequence range, and <c>manifest.json</c> with the file's
/// SHA-256, the signed checkpoints inside the range, the tree frontier at its start and the public
/// keys. The range is widened to checkpoint boundaries around the requested times (a day export is
/// bounded by the rollover checkpoints), so every exported entry is covered by a signature and no
/// consistency proof is needed; entries past the newest checkpoint are exported but reported as
/// not yet covered.
/// </summary>
public static class LedgerExporter
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The manifest format tag.</summary>
    public const string ManifestFormat = "egressguard-ledger-export/1";

    /// <summary>Exports entries whose time lies in [<paramref name="from"/>, <paramref name="to"/>) (widened to checkpoints).</summary>
    public static ExportResult Export(
        string dataDirectory, DateTimeOffset from, DateTimeOffset to, ExportFormat format, string outDirectory,
        IReadOnlyList<CheckpointPublicKey> publicKeys, string origin, Action<ulong, ulong>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        if (to <= from)
        {
            return new ExportResult { Error = "--to must be after --from" };
        }

        try
        {
            var (logStart, logStartFrontier) = LedgerReader.ReadLogStart(dataDirectory);
            var checkpoints = LedgerReader.ReadCheckpoints(dataDirectory);
            if (FindSequenceRange(dataDirectory, from, to) is not { } range)
            {
                return new ExportResult { Error = "no entries in that time range" };
            }

            // Widen to checkpoint boundaries: start at the last checkpoint at or before the first entry,
            // end at the first checkpoint at or after the last entry.
            var start = logStart;
            IReadOnlyList<MerkleHash> frontier = logStartFrontier;
            ulong? end = null;
            foreach (var cp in checkpoints)
            {
                if (cp.TreeSize <= range.First && cp.TreeSize >= start)
                {
                    start = cp.TreeSize;
                    frontier = cp.Frontier;
                }

                if (end is null && cp.TreeSize > range.Last)
                {
                    end = cp.TreeSize;
                }
            }

            Directory.CreateDirectory(outDirectory);
            var fileName = "entries." + DataFormatName(format);
            var path = Path.Combine(outDirectory, fileName);
            ulong written = 0;
            ulong last = start;
            DateTimeOffset? firstTime = null;
            DateTimeOffset? lastTime = null;
            var total = (end ?? range.Last + 1) - start;
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var text = new StreamWriter(file, new UTF8Encoding(false), 1 << 16);
                using var json = new Utf8JsonWriter(file);
                using var parquet = format == ExportFormat.Parquet ? new ParquetExport.Writer(file) : null;
                if (format == ExportFormat.Csv)
                {
                    text.Write(ExportCodec.CsvHeader);
                    text.Write("\r\n");
                }

                foreach (var stored in LedgerReader.ReadEntries(dataDirectory, start))
                {
                    if (stored.Error is not null)
                    {
                        return new ExportResult { Error = $"partition {stored.Partition:yyyy-MM-dd} cannot be read: {stored.Error}" };
                    }

                    if (end is { } e && stored.Sequence >= e)
                    {
                        break;
                    }

                    if (CanonicalDecoder.TryDecode(stored.Canonical, out var entry) != CanonicalDecodeError.None)
                    {
                        return new ExportResult { Error = $"record {stored.Sequence} is not a canonical entry (run ledger verify)" };
                    }

                    var time = entry!.Transfer?.Time ?? entry.Event!.Time;
                    firstTime ??= time;
                    lastTime = time;
                    if (format == ExportFormat.Csv)
                    {
                        text.Write(ExportCodec.ToCsv(entry));
                        text.Write("\r\n");
                    }
                    else if (parquet is not null)
                    {
                        parquet.Add(entry);
                    }
                    else
                    {
                        ExportCodec.WriteJson(json, entry);
                        json.Flush();
                        json.Reset();
                        file.WriteByte((byte)'\n');
                    }

                    written++;
                    last = stored.Sequence;
                    if ((written & 0xFFFF) == 0)
                    {
                        progress?.Invoke(written, total);
                    }
                }

                text.Flush();
                parquet?.Complete();
            }

            progress?.Invoke(written, total);
            var endSequence = start + written;
            var included = new List<StoredCheckpoint>();
            foreach (var cp in checkpoints)
            {
                if (cp.TreeSize >= start && cp.TreeSize <= endSequence)
                {
                    included.Add(cp);
                }
            }

            WriteManifest(outDirectory, fileName, format, origin, from, to, start, frontier, written, firstTime, lastTime, included, publicKeys);
            _ = last;
            return new ExportResult { Records = written, FirstSequence = start, EndSequence = endSequence, Checkpoints = included.Count };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            return new ExportResult { Error = e.Message };
        }
    }

    private static (ulong First, ulong Last)? FindSequenceRange(string dataDirectory, DateTimeOffset from, DateTimeOffset to)
    {
        ulong? first = null;
        ulong last = 0;
        var fromDay = LedgerFiles.Day(from);
        foreach (var day in LedgerFiles.ListPartitions(dataDirectory))
        {
            if (day < fromDay)
            {
                continue;
            }

            using var connection = new SqliteConnection(LedgerFiles.ReadOnly(LedgerFiles.PartitionPath(dataDirectory, day)));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MIN(seq), MAX(seq) FROM entries WHERE time_us >= $from AND time_us < $to";
            command.Parameters.AddWithValue("$from", LedgerFiles.ToMicros(from));
            command.Parameters.AddWithValue("$to", LedgerFiles.ToMicros(to));
            using var r = command.ExecuteReader();
            if (r.Read() && !r.IsDBNull(0))
            {
                first ??= (ulong)r.GetInt64(0);
                last = (ulong)r.GetInt64(1);
            }
        }

        return first is { } f ? (f, last) : null;
    }

    private static void WriteManifest(
        string outDirectory, string fileName, ExportFormat format, string origin, DateTimeOffset from, DateTimeOffset to, ulong start,
        IReadOnlyList<MerkleHash> frontier, ulong records, DateTimeOffset? firstTime, DateTimeOffset? lastTime, List<StoredCheckpoint> checkpoints,
        IReadOnlyList<CheckpointPublicKey> publicKeys)
    {
        string sha;
        using (var data = File.OpenRead(Path.Combine(outDirectory, fileName)))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(data));
        }

        using var stream = new FileStream(Path.Combine(outDirectory, ManifestFileName), FileMode.Create, FileAccess.Write, FileShare.None);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", ManifestFormat);
        w.WriteString("origin", origin);
        w.WriteString("requestedFrom", Time(from));
        w.WriteString("requestedTo", Time(to));
        w.WriteString("dataFormat", DataFormatName(format));
        w.WriteString("encoding", "canonical entry encoding v1 (src/EgressGuard.Ledger/README.md §1); each row re-encodes to the hashed bytes");
        if (format == ExportFormat.Csv)
        {
            w.WriteString("csvRules",
                "RFC 4180. Null = empty unquoted cell; empty string = \"\". Formula guard: a cell starting with = + - @ TAB CR or ' that is not a plain number is quoted with one ' prepended; a reader removes one leading ' from every quoted cell that starts with '.");
        }

        w.WriteNumber("startSize", start);
        w.WriteStartArray("startFrontier");
        foreach (var h in frontier)
        {
            w.WriteStringValue(h.ToBase64());
        }

        w.WriteEndArray();
        w.WriteNumber("records", records);
        w.WriteNumber("endSize", start + records);
        if (firstTime is { } ft)
        {
            w.WriteString("firstTime", Time(ft));
        }

        if (lastTime is { } lt)
        {
            w.WriteString("lastTime", Time(lt));
        }

        w.WriteStartArray("files");
        w.WriteStartObject();
        w.WriteString("name", fileName);
        w.WriteString("sha256", sha);
        w.WriteNumber("records", records);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("checkpoints");
        foreach (var cp in checkpoints)
        {
            w.WriteStartObject();
            w.WriteNumber("number", cp.Number);
            w.WriteNumber("treeSize", cp.TreeSize);
            w.WriteString("note", cp.Note);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("publicKeys");
        foreach (var key in publicKeys)
        {
            w.WriteStartObject();
            w.WriteString("verifierKey", key.ToVerifierKey());
            w.WriteString("pem", key.ExportPem());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string DataFormatName(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.Parquet => "parquet",
        _ => "jsonl",
    };
}
