using System.Text.Json;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Export;

namespace EgressGuard.Ledger.Proofs;

/// <summary>
/// The proof files <c>ledger prove</c> writes, <c>/api/v1/ledger/…proof</c> answers and
/// <c>ledger verify --proof</c> reads (format names <see cref="InclusionFormat"/> and
/// <see cref="ConsistencyFormat"/>; src/EgressGuard.Ledger/README.md §2 describes the fields).
/// </summary>
public static class ProofJson
{
    /// <summary>The <c>format</c> of an inclusion proof file.</summary>
    public const string InclusionFormat = "egressguard-inclusion-proof/1";

    /// <summary>The <c>format</c> of a consistency proof file.</summary>
    public const string ConsistencyFormat = "egressguard-consistency-proof/1";

    /// <summary>Largest proof file read (a proof is a few KB; the entry is the largest part).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    // A tree of up to 2^64 leaves has a path of at most 64 hashes; a consistency proof at most about twice that.
    private const int MaxPath = 130;

    /// <summary>Writes an inclusion proof, with a readable copy of the entry (its export row) beside its hashed bytes.</summary>
    public static void Write(Utf8JsonWriter w, InclusionProof proof)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(proof);
        w.WriteStartObject();
        w.WriteString("format", InclusionFormat);
        w.WriteString("origin", proof.Origin);
        w.WriteNumber("sequence", proof.Sequence);
        w.WriteString("entry", Convert.ToBase64String(proof.Entry));
        if (CanonicalDecoder.TryDecode(proof.Entry, out var entry) == CanonicalDecodeError.None)
        {
            w.WriteString("readable", "a decoded copy of entry for people (an export JSONL row); only entry is hashed and checked");
            w.WritePropertyName("record");
            ExportCodec.WriteJson(w, entry!);
        }

        w.WritePropertyName("checkpoint");
        Write(w, proof.Checkpoint);
        WritePath(w, proof.Path);
        WriteKeys(w, proof.PublicKeys);
        w.WriteEndObject();
    }

    /// <summary>Writes a consistency proof.</summary>
    public static void Write(Utf8JsonWriter w, ConsistencyProof proof)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(proof);
        w.WriteStartObject();
        w.WriteString("format", ConsistencyFormat);
        w.WriteString("origin", proof.Origin);
        w.WritePropertyName("from");
        Write(w, proof.From);
        w.WritePropertyName("to");
        Write(w, proof.To);
        WritePath(w, proof.Path);
        WriteKeys(w, proof.PublicKeys);
        w.WriteEndObject();
    }

    /// <summary>
    /// Reads a proof file: exactly one of <paramref name="inclusion"/> and <paramref name="consistency"/>
    /// is set on success; otherwise <paramref name="error"/> says what is wrong. Never throws for bad input.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out InclusionProof? inclusion, out ConsistencyProof? consistency, out string error)
    {
        inclusion = null;
        consistency = null;
        if (json.Length > MaxBytes)
        {
            error = $"proof file is over {MaxBytes} bytes";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object";
                return false;
            }

            var format = String(root, "format");
            var origin = String(root, "origin");
            var path = ReadPath(root);
            var keys = ReadKeys(root, origin);
            if (format == InclusionFormat)
            {
                var entry = Convert.FromBase64String(String(root, "entry"));
                inclusion = new InclusionProof
                {
                    Origin = origin, Sequence = root.GetProperty("sequence").GetUInt64(), Entry = entry,
                    Checkpoint = ReadCheckpoint(root.GetProperty("checkpoint")), Path = path, PublicKeys = keys,
                };
            }
            else if (format == ConsistencyFormat)
            {
                consistency = new ConsistencyProof
                {
                    Origin = origin, From = ReadCheckpoint(root.GetProperty("from")), To = ReadCheckpoint(root.GetProperty("to")),
                    Path = path, PublicKeys = keys,
                };
            }
            else
            {
                error = $"unknown proof format '{format}' (expected {InclusionFormat} or {ConsistencyFormat})";
                return false;
            }

            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            error = "not a proof file: " + e.Message;
            return false;
        }
    }

    private static void Write(Utf8JsonWriter w, SignedCheckpoint checkpoint)
    {
        w.WriteStartObject();
        w.WriteNumber("number", checkpoint.Number);
        w.WriteNumber("treeSize", checkpoint.TreeSize);
        w.WriteString("note", checkpoint.Note);
        w.WriteEndObject();
    }

    private static void WritePath(Utf8JsonWriter w, IReadOnlyList<MerkleHash> path)
    {
        w.WriteStartArray("path");
        foreach (var hash in path)
        {
            w.WriteStringValue(hash.ToBase64());
        }

        w.WriteEndArray();
    }

    private static void WriteKeys(Utf8JsonWriter w, IReadOnlyList<CheckpointPublicKey> keys)
    {
        w.WriteStartArray("publicKeys");
        foreach (var key in keys)
        {
            w.WriteStartObject();
            w.WriteString("verifierKey", key.ToVerifierKey());
            w.WriteString("pem", key.ExportPem());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static SignedCheckpoint ReadCheckpoint(JsonElement e) =>
        new(e.GetProperty("number").GetInt64(), e.GetProperty("treeSize").GetUInt64(), String(e, "note"));

    private static List<MerkleHash> ReadPath(JsonElement root)
    {
        var path = new List<MerkleHash>();
        foreach (var item in root.GetProperty("path").EnumerateArray())
        {
            if (path.Count == MaxPath)
            {
                throw new FormatException($"path has more than {MaxPath} hashes");
            }

            if (item.GetString() is not { } text || !MerkleHash.TryParseBase64(text, out var hash))
            {
                throw new FormatException($"path[{path.Count}] is not a base64 SHA-256 hash");
            }

            path.Add(hash);
        }

        return path;
    }

    private static List<CheckpointPublicKey> ReadKeys(JsonElement root, string origin)
    {
        var keys = new List<CheckpointPublicKey>();
        if (root.TryGetProperty("publicKeys", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var k in array.EnumerateArray())
            {
                if (k.ValueKind == JsonValueKind.Object && k.TryGetProperty("verifierKey", out var vk) && vk.GetString() is { } text
                    && CheckpointPublicKey.TryParseVerifierKey(text, out var key, out _) && key.Name == origin)
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }

    private static string String(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");
}
