using System.Globalization;
using System.Text.Json;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Ledger.Proofs;

/// <summary>One stored checkpoint as <c>ledger checkpoints</c> and <c>/api/v1/ledger/checkpoints</c> list it.</summary>
/// <param name="Stored">The row: number, size, time, signed note.</param>
/// <param name="Opened">The note opened with the appliance's keys (root, clock state, signer), or why it does not open.</param>
public sealed record CheckpointSummary(StoredCheckpoint Stored, CheckpointVerification Opened);

/// <summary>
/// Lists signed checkpoints (the numbers an auditor passes to <c>ledger prove</c>), each checked
/// against the appliance's keys so a listing never shows an unsigned root as if it were signed.
/// </summary>
public static class CheckpointList
{
    /// <summary>Checkpoints numbered ≥ <paramref name="fromNumber"/>, ascending, at most <paramref name="limit"/>.</summary>
    public static List<CheckpointSummary> Read(string dataDirectory, IReadOnlyList<CheckpointPublicKey> trustedKeys, long fromNumber, int limit)
    {
        var list = new List<CheckpointSummary>();
        foreach (var stored in LedgerReader.ReadCheckpoints(dataDirectory, fromNumber, limit))
        {
            list.Add(new CheckpointSummary(stored, CheckpointNote.Verify(stored.Note, trustedKeys)));
        }

        return list;
    }

    /// <summary>
    /// One JSON object: <c>number, treeSize, time, root, clockSync, signedBy</c> (key name+id), or
    /// <c>signature</c> with the reason when the note does not verify; <c>note</c> when asked for.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter w, CheckpointSummary summary, bool withNote)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(summary);
        var (stored, opened) = summary;
        w.WriteStartObject();
        w.WriteNumber("number", stored.Number);
        w.WriteNumber("treeSize", stored.TreeSize);
        w.WriteString("time", stored.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        if (opened.IsValid && opened.Checkpoint is { } cp)
        {
            w.WriteString("root", cp.RootHash.ToBase64());
            w.WriteString("clockSync", cp.ClockSync.ToString());
            w.WriteString("signedBy", opened.Signer?.ToString());
        }
        else
        {
            w.WriteString("signature", $"{opened.Error}: {opened.Message}");
        }

        if (withNote)
        {
            w.WriteString("note", stored.Note);
        }

        w.WriteEndObject();
    }
}
