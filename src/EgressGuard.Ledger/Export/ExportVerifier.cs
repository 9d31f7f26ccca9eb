using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Verification;

namespace EgressGuard.Ledger.Export;

/// <summary>
/// Verifies an export offline: reads <c>manifest.json</c>, re-encodes every row of the data file to
/// its canonical bytes and runs <see cref="LedgerVerifier"/> from the manifest's start frontier
/// against its checkpoints; then checks each file's SHA-256. Trusts the given public key, or (saying
/// so) the keys in the manifest. Never throws for hostile input.
/// </summary>
public static class ExportVerifier
{
    /// <summary>Verifies the export in <paramref name="directory"/>.</summary>
    public static ExportVerification Verify(string directory, CheckpointPublicKey? publicKey)
    {
        JsonDocument manifest;
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(directory, LedgerExporter.ManifestFileName));
            manifest = JsonDocument.Parse(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new ExportVerification { Error = "manifest.json cannot be read: " + e.Message };
        }

        using (manifest)
        {
            try
            {
                return VerifyWith(directory, manifest.RootElement, publicKey);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
            {
                return new ExportVerification { Error = "manifest.json is malformed or a file is missing: " + e.Message };
            }
        }
    }

    private static ExportVerification VerifyWith(string directory, JsonElement m, CheckpointPublicKey? publicKey)
    {
        if (m.GetProperty("format").GetString() != LedgerExporter.ManifestFormat)
        {
            return new ExportVerification { Error = "manifest.json: unknown format" };
        }

        var origin = m.GetProperty("origin").GetString()!;
        var keys = new List<CheckpointPublicKey>();
        string source;
        if (publicKey is not null)
        {
            keys.Add(publicKey);
            source = "the given public key " + publicKey;
        }
        else
        {
            foreach (var k in m.GetProperty("publicKeys").EnumerateArray())
            {
                if (CheckpointPublicKey.TryParseVerifierKey(k.GetProperty("verifierKey").GetString()!, out var key, out _))
                {
                    keys.Add(key);
                }
            }

            source = "the keys in manifest.json (pass --public-key to check against a key you obtained separately)";
        }

        var frontier = new List<MerkleHash>();
        foreach (var h in m.GetProperty("startFrontier").EnumerateArray())
        {
            if (!MerkleHash.TryParseBase64(h.GetString(), out var hash))
            {
                return new ExportVerification { Error = "manifest.json: startFrontier holds a malformed hash", TrustedKeySource = source };
            }

            frontier.Add(hash);
        }

        var evidence = new List<CheckpointEvidence>();
        foreach (var cp in m.GetProperty("checkpoints").EnumerateArray())
        {
            evidence.Add(new CheckpointEvidence { Note = cp.GetProperty("note").GetString()! });
        }

        var file = m.GetProperty("files")[0];
        var name = Path.GetFileName(file.GetProperty("name").GetString()!);
        var path = Path.Combine(directory, name);
        var dataFormat = m.GetProperty("dataFormat").GetString();
        var options = new LedgerVerificationOptions
        {
            TrustedKeys = keys,
            ExpectedOrigin = origin,
            StartSize = m.GetProperty("startSize").GetUInt64(),
            StartFrontier = frontier,
        };
        var rowError = new string?[1];
        LedgerVerificationReport report;
        using (var stream = File.OpenRead(path))
        {
            var rows = dataFormat switch
            {
                "csv" => ReadCsv(stream, rowError),
                "parquet" => ParquetExport.Read(stream, rowError).Select(Encode),
                _ => ReadJsonl(stream, rowError),
            };
            report = LedgerVerifier.Verify(rows, evidence, options);
        }

        if (report.Failure is null && rowError[0] is { } parse)
        {
            return new ExportVerification { Report = report, Error = parse, TrustedKeySource = source };
        }

        if (report.Failure is not null)
        {
            var message = rowError[0] is { } firstParse && report.Failure.Kind is LedgerFailureKind.Truncated or LedgerFailureKind.Modified ? firstParse : null;
            return new ExportVerification { Report = report, Error = message, TrustedKeySource = source };
        }

        string sha;
        using (var data = File.OpenRead(path))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(data));
        }

        if (!string.Equals(sha, file.GetProperty("sha256").GetString(), StringComparison.OrdinalIgnoreCase))
        {
            return new ExportVerification { Report = report, Error = $"{name}: SHA-256 differs from manifest.json (the file was changed; every row still re-verifies, so the change is outside the hashed fields, e.g. whitespace)", TrustedKeySource = source };
        }

        if (report.TreeSize != m.GetProperty("endSize").GetUInt64())
        {
            return new ExportVerification { Report = report, Error = $"{name}: holds entries up to {report.TreeSize}, manifest.json says {m.GetProperty("endSize").GetUInt64()}", TrustedKeySource = source };
        }

        return new ExportVerification { Report = report, TrustedKeySource = source };
    }

    private static IEnumerable<EncodedLedgerEntry> ReadJsonl(Stream stream, string?[] error)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var entry = ExportCodec.ParseJson(Encoding.UTF8.GetBytes(line), out var parseError);
            if (entry is null)
            {
                error[0] = $"line {lineNumber}: not an export row ({parseError})";
                yield break;
            }

            yield return Encode(entry);
        }
    }

    private static IEnumerable<EncodedLedgerEntry> ReadCsv(Stream stream, string?[] error)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var header = ExportCodec.ReadCsvRecord(reader, out _);
        if (header is null || header.Count != ExportCodec.Fields.Length)
        {
            error[0] = "the CSV header is not the export header";
            yield break;
        }

        var row = 1;
        while (ExportCodec.ReadCsvRecord(reader, out var csvError) is { } cells)
        {
            row++;
            var entry = csvError is null ? ExportCodec.ParseCsv(cells, out csvError) : null;
            if (entry is null)
            {
                error[0] = $"CSV record {row}: not an export row ({csvError})";
                yield break;
            }

            yield return Encode(entry);
        }
    }

    private static EncodedLedgerEntry Encode(LedgerEntry entry)
    {
        var bytes = entry.Transfer is { } t ? CanonicalEncoder.Encode(entry.Sequence, t) : CanonicalEncoder.Encode(entry.Sequence, entry.Event!);
        return new EncodedLedgerEntry(entry.Sequence, bytes);
    }
}
