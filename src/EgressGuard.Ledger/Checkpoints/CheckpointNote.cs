using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):
/// <code>
/// &lt;origin&gt;
/// &lt;tree size&gt;
/// &lt;base64 root&gt;
/// time 2026-03-01T00:01:00.000000Z
/// clock synchronized
/// number 42
///
/// — &lt;key name&gt; base64(key id ‖ DER ECDSA signature)
/// </code>
/// Signatures are ECDSA P-256 over SHA-256 of the text (signature type 0x02). Opening a note never
/// throws for bad input: every problem is a <see cref="CheckpointError"/>.
/// </summary>
public static class CheckpointNote
{
    /// <summary>Largest note accepted (bytes of UTF-8).</summary>
    public const int MaxNoteBytes = 64 * 1024;

    /// <summary>Most signature lines accepted (C2SP asks verifiers to accept at least 16).</summary>
    public const int MaxSignatures = 100;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private static readonly byte[] SignaturePrefix = "\u2014 "u8.ToArray();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The signed text of <paramref name="checkpoint"/> (ends in a newline).</summary>
    /// <exception cref="ArgumentException">The origin is not a valid note name.</exception>
    public static string FormatBody(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!NoteName.IsValid(checkpoint.Origin))
        {
            throw new ArgumentException("The origin must be non-empty, without spaces, control characters or '+'.", nameof(checkpoint));
        }

        var sb = new StringBuilder(160);
        sb.Append(checkpoint.Origin).Append('\n')
            .Append(checkpoint.TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(checkpoint.RootHash.ToBase64()).Append('\n')
            .Append("time ").Append(checkpoint.Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)).Append('\n')
            .Append("clock ").Append(ClockText(checkpoint.ClockSync)).Append('\n')
            .Append("number ").Append(checkpoint.Number.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    /// <summary>The signed note of <paramref name="checkpoint"/> with one signature line.</summary>
    public static string Sign(Checkpoint checkpoint, CheckpointSigningKey key) => Sign(checkpoint, [key]);

    /// <summary>
    /// The signed note with one signature line per key, in order. Sign with the old and the new key
    /// at a key rotation, so auditors holding either key can carry trust across.
    /// </summary>
    public static string Sign(Checkpoint checkpoint, IReadOnlyList<CheckpointSigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one signing key is needed.", nameof(keys));
        }

        var body = FormatBody(checkpoint);
        var text = Encoding.UTF8.GetBytes(body);
        var sb = new StringBuilder(body, body.Length + (keys.Count * 160));
        sb.Append('\n');
        foreach (var key in keys)
        {
            var signature = key.Sign(text);
            var blob = new byte[4 + signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(blob, key.PublicKey.KeyId);
            signature.CopyTo(blob, 4);
            sb.Append("\u2014 ").Append(key.Name).Append(' ').Append(Convert.ToBase64String(blob)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Opens <paramref name="note"/> with one trusted key.</summary>
    public static CheckpointVerification Verify(string note, CheckpointPublicKey trustedKey) => Verify(note, [trustedKey]);

    /// <summary>Opens <paramref name="note"/>: checks its form, that a trusted key signed it, and parses the checkpoint.</summary>
    public static CheckpointVerification Verify(string note, IReadOnlyList<CheckpointPublicKey> trustedKeys)
    {
        if (note is null)
        {
            return CheckpointVerification.Fail(CheckpointError.InvalidText, "no note");
        }

        if (note.Length > MaxNoteBytes)
        {
            return CheckpointVerification.Fail(CheckpointError.TooLarge, $"note is over {MaxNoteBytes} bytes");
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(note);
        }
        catch (EncoderFallbackException)
        {
            return CheckpointVerification.Fail(CheckpointError.InvalidText, "note is not well-formed text (lone surrogate)");
        }

        return Verify(bytes, trustedKeys);
    }

    /// <summary>Opens a note given as UTF-8 bytes (as read from a file or an export).</summary>
    public static CheckpointVerification Verify(ReadOnlySpan<byte> note, IReadOnlyList<CheckpointPublicKey> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (note.Length > MaxNoteBytes)
        {
            return CheckpointVerification.Fail(CheckpointError.TooLarge, $"note is over {MaxNoteBytes} bytes");
        }

        if (!Utf8.IsValid(note))
        {
            return CheckpointVerification.Fail(CheckpointError.InvalidText, "note is not UTF-8");
        }

        for (var i = 0; i < note.Length; i++)
        {
            if (note[i] < 0x20 && note[i] != (byte)'\n')
            {
                return CheckpointVerification.Fail(CheckpointError.InvalidText, $"control character 0x{note[i]:x2} at byte {i}");
            }
        }

        // The text ends at the last blank line; the signature lines follow it.
        var split = note.LastIndexOf("\n\n"u8);
        if (split < 0 || split + 2 == note.Length || note[^1] != (byte)'\n')
        {
            return CheckpointVerification.Fail(CheckpointError.MissingSignatures, "no blank line followed by signature lines");
        }

        var text = note[..(split + 1)];
        var signatures = note[(split + 2)..];
        CheckpointPublicKey? signer = null;
        var lines = 0;
        while (!signatures.IsEmpty)
        {
            var end = signatures.IndexOf((byte)'\n');
            var line = signatures[..end];
            signatures = signatures[(end + 1)..];
            if (++lines > MaxSignatures)
            {
                return CheckpointVerification.Fail(CheckpointError.TooManySignatures, $"more than {MaxSignatures} signature lines");
            }

            if (!TryParseSignatureLine(line, out var name, out var keyId, out var signature))
            {
                return CheckpointVerification.Fail(CheckpointError.MalformedSignatureLine, $"signature line {lines} is not '— name base64'");
            }

            foreach (var key in trustedKeys)
            {
                if (key.KeyId != keyId || !name.SequenceEqual(Encoding.UTF8.GetBytes(key.Name)))
                {
                    continue;
                }

                // A known key's signature must verify, or the whole note is refused (C2SP signed-note).
                if (!key.Verify(text, signature))
                {
                    return CheckpointVerification.Fail(CheckpointError.BadSignature, $"signature by {key} does not verify");
                }

                signer ??= key;
            }
        }

        if (signer is null)
        {
            return CheckpointVerification.Fail(CheckpointError.UnknownSigner, "no signature from a trusted key");
        }

        var error = TryParseBody(Encoding.UTF8.GetString(text), out var checkpoint, out var message);
        if (error != CheckpointError.None)
        {
            return CheckpointVerification.Fail(error, message);
        }

        return new CheckpointVerification { Error = CheckpointError.None, Checkpoint = checkpoint, Signer = signer };
    }

    /// <summary>
    /// Parses a checkpoint text (the signed part, ending in a newline) without any signature check:
    /// for tools and tests. Unknown extension lines are ignored; <c>time</c>, <c>clock</c> and
    /// <c>number</c> must each appear once.
    /// </summary>
    public static CheckpointError TryParseBody(string text, out Checkpoint? checkpoint, out string message)
    {
        checkpoint = null;
        if (string.IsNullOrEmpty(text) || text[^1] != '\n')
        {
            message = "text does not end in a newline";
            return CheckpointError.MalformedOrigin;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            message = "fewer than three lines";
            return CheckpointError.MalformedOrigin;
        }

        if (!NoteName.IsValid(lines[0]))
        {
            message = "origin line is empty or has spaces, control characters or '+'";
            return CheckpointError.MalformedOrigin;
        }

        if (!TryParseDecimal(lines[1], out var size))
        {
            message = $"tree size '{lines[1]}' is not a decimal number";
            return CheckpointError.MalformedTreeSize;
        }

        if (!MerkleHash.TryParseBase64(lines[2], out var root))
        {
            message = "root hash is not base64 of 32 bytes";
            return CheckpointError.MalformedRootHash;
        }

        DateTimeOffset? time = null;
        ClockSyncState? clock = null;
        ulong? number = null;
        for (var i = 3; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                message = $"line {i + 1} is empty";
                return CheckpointError.MalformedExtension;
            }

            if (line.StartsWith("time ", StringComparison.Ordinal))
            {
                if (time is not null || !TryParseTime(line[5..], out var t))
                {
                    message = $"bad or repeated time line '{line}'";
                    return CheckpointError.MalformedExtension;
                }

                time = t;
            }
            else if (line.StartsWith("clock ", StringComparison.Ordinal))
            {
                if (clock is not null || !TryParseClock(line[6..], out var c))
                {
                    message = $"bad or repeated clock line '{line}'";
                    return CheckpointError.MalformedExtension;
                }

                clock = c;
            }
            else if (line.StartsWith("number ", StringComparison.Ordinal))
            {
                if (number is not null || !TryParseDecimal(line[7..], out var n))
                {
                    message = $"bad or repeated number line '{line}'";
                    return CheckpointError.MalformedExtension;
                }

                number = n;
            }
        }

        if (time is null || clock is null || number is null)
        {
            message = "a time, clock or number line is missing";
            return CheckpointError.MissingExtension;
        }

        checkpoint = new Checkpoint
        {
            Origin = lines[0],
            TreeSize = size,
            RootHash = root,
            Time = time.Value,
            ClockSync = clock.Value,
            Number = number.Value,
        };
        message = string.Empty;
        return CheckpointError.None;
    }

    /// <summary>
    /// Parses the checkpoint in a note WITHOUT checking any signature: the verifier uses it only to
    /// learn the tree size at which to check the note, and verifies before trusting anything else.
    /// </summary>
    internal static CheckpointError PeekUnverified(string note, out Checkpoint? checkpoint, out string message)
    {
        checkpoint = null;
        if (note.Length > MaxNoteBytes)
        {
            message = $"note is over {MaxNoteBytes} bytes";
            return CheckpointError.TooLarge;
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            message = "no blank line followed by signature lines";
            return CheckpointError.MissingSignatures;
        }

        return TryParseBody(note[..(split + 1)], out checkpoint, out message);
    }

    private static bool TryParseSignatureLine(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out uint keyId, out byte[] signature)
    {
        name = default;
        keyId = 0;
        signature = [];
        if (!line.StartsWith(SignaturePrefix))
        {
            return false;
        }

        line = line[SignaturePrefix.Length..];
        var space = line.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        name = line[..space];
        var base64 = line[(space + 1)..];
        if (base64.IsEmpty || base64.IndexOf((byte)' ') >= 0 || !NoteName.IsValid(Encoding.UTF8.GetString(name)))
        {
            return false;
        }

        var blob = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, blob, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != base64.Length || written < 5)
        {
            return false;
        }

        keyId = BinaryPrimitives.ReadUInt32BigEndian(blob);
        signature = blob[4..written];
        return true;
    }

    private static bool TryParseDecimal(string text, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 20 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        if (!DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return false;
        }

        // One text per instant: refuse anything the formatter would not have written.
        return time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) == text;
    }

    private static bool TryParseClock(string text, out ClockSyncState clock)
    {
        clock = text switch
        {
            "synchronized" => ClockSyncState.Synchronized,
            "unsynchronized" => ClockSyncState.Unsynchronized,
            "unknown" => ClockSyncState.Unknown,
            _ => (ClockSyncState)(-1),
        };
        return clock >= 0;
    }

    private static string ClockText(ClockSyncState clock) => clock switch
    {
        ClockSyncState.Synchronized => "synchronized",
        ClockSyncState.Unsynchronized => "unsynchronized",
        _ => "unknown",
    };
}
