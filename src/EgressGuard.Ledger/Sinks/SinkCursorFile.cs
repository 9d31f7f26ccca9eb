using System.Globalization;
using System.Text;

namespace EgressGuard.Ledger.Sinks;

/// <summary>
/// The sink's local store-and-forward cursor: one small text file
/// (<c>egressguard-sink-cursor v1 NEXT_SEQUENCE NEXT_CHECKPOINT</c>), replaced atomically
/// (temporary file, fsync, rename) so a crash leaves either the old or the new cursor, never a torn one.
/// </summary>
internal sealed class SinkCursorFile
{
    private const string Magic = "egressguard-sink-cursor v1";

    public SinkCursorFile(string path)
    {
        Path = path;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Reads the cursor: a missing file is the start of the log; a file that is not a cursor is an error (never guessed).</summary>
    public SinkCursorLoad Load()
    {
        string text;
        try
        {
            if (!File.Exists(Path))
            {
                return new SinkCursorLoad(new SinkCursor(0, 0), null);
            }

            var info = new FileInfo(Path);
            if (info.Length > 1024)
            {
                return new SinkCursorLoad(new SinkCursor(0, 0), $"cursor file '{Path}' is {info.Length} bytes, not a cursor");
            }

            text = File.ReadAllText(Path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SinkCursorLoad(new SinkCursor(0, 0), $"cursor file '{Path}': {e.Message}");
        }

        var parts = text.Trim().Split(' ');
        if (parts.Length == 4
            && parts[0] + " " + parts[1] == Magic
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var checkpoint))
        {
            return new SinkCursorLoad(new SinkCursor(sequence, checkpoint), null);
        }

        return new SinkCursorLoad(new SinkCursor(0, 0), $"cursor file '{Path}' is not a sink cursor");
    }

    /// <summary>Replaces the cursor atomically and durably. Returns an error message, or null.</summary>
    public string? Save(SinkCursor cursor)
    {
        var temporary = Path + ".tmp";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var text = string.Create(CultureInfo.InvariantCulture, $"{Magic} {cursor.NextSequence} {cursor.NextCheckpoint}\n");
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cursor file '{Path}': {e.Message}";
        }
    }
}
