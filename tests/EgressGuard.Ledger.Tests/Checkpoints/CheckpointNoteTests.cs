using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Tests.Checkpoints;

public sealed class CheckpointNoteTests : IDisposable
{
    private readonly CheckpointSigningKey _key = CheckpointSigningKey.Generate(CheckpointSamples.Origin);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void FormatBody_IsTlogCheckpointWithExtensionLines()
    {
        var root = TreeHasher.HashLeaf("root"u8);

        Assert.Equal(
            "egressguard.example/appliance-7f3a\n20852163\n" + root.ToBase64() + "\n"
            + "time 2026-03-01T00:01:00.123456Z\nclock synchronized\nnumber 42\n",
            CheckpointNote.FormatBody(CheckpointSamples.Create()));
    }

    [Theory]
    [InlineData(ClockSyncState.Synchronized)]
    [InlineData(ClockSyncState.Unsynchronized)]
    [InlineData(ClockSyncState.Unknown)]
    public void SignThenVerify_RoundTripsEveryField(ClockSyncState clock)
    {
        var checkpoint = CheckpointSamples.Create() with { ClockSync = clock };

        var result = CheckpointNote.Verify(CheckpointNote.Sign(checkpoint, _key), _key.PublicKey);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(checkpoint, result.Checkpoint);
        Assert.Same(_key.PublicKey, result.Signer);
    }

    [Fact]
    public void Sign_WritesSignedNoteLayout_VerifiableWithoutThisCode()
    {
        var checkpoint = CheckpointSamples.Create();
        var note = CheckpointNote.Sign(checkpoint, _key);
        var body = CheckpointNote.FormatBody(checkpoint);

        // text, blank line, one line "— name base64(keyid ‖ DER signature)".
        Assert.StartsWith(body + "\n\u2014 " + CheckpointSamples.Origin + " ", note, StringComparison.Ordinal);
        Assert.EndsWith("\n", note, StringComparison.Ordinal);
        var blob = Convert.FromBase64String(note[(body.Length + 3 + CheckpointSamples.Origin.Length + 1)..^1]);

        // Key id: first four bytes of SHA-256 over the DER SubjectPublicKeyInfo (C2SP signed-note type 0x02).
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_key.PublicKey.SubjectPublicKeyInfo, out _);
        var spki = ecdsa.ExportSubjectPublicKeyInfo();
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(spki)), BinaryPrimitives.ReadUInt32BigEndian(blob));
        Assert.True(ecdsa.VerifyData(Encoding.UTF8.GetBytes(body), blob.AsSpan(4), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void Verify_AnyEditOfTheText_IsBadSignature()
    {
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), _key);
        var other = TreeHasher.HashLeaf("other"u8).ToBase64();
        string[] edits =
        [
            note.Replace("\n20852163\n", "\n20852164\n", StringComparison.Ordinal),
            note.Replace(TreeHasher.HashLeaf("root"u8).ToBase64(), other, StringComparison.Ordinal),
            note.Replace("00:01:00.123456Z", "00:01:00.123457Z", StringComparison.Ordinal),
            note.Replace("clock synchronized", "clock unsynchronized", StringComparison.Ordinal),
            note.Replace("number 42", "number 43", StringComparison.Ordinal),
            note.Replace("appliance-7f3a\n", "appliance-7f3b\n", StringComparison.Ordinal),
        ];

        foreach (var edited in edits)
        {
            Assert.NotEqual(note, edited);
            Assert.Equal(CheckpointError.BadSignature, CheckpointNote.Verify(edited, _key.PublicKey).Error);
        }
    }

    [Fact]
    public void Verify_FlippedSignatureByte_IsBadSignature()
    {
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), _key);
        var start = note.LastIndexOf(' ') + 1;
        var blob = Convert.FromBase64String(note[start..^1]);
        for (var i = 4; i < blob.Length; i += 7)
        {
            var bad = (byte[])blob.Clone();
            bad[i] ^= 0x01;

            var result = CheckpointNote.Verify(note[..start] + Convert.ToBase64String(bad) + "\n", _key.PublicKey);

            Assert.Equal(CheckpointError.BadSignature, result.Error);
        }
    }

    [Fact]
    public void Verify_OtherKey_IsUnknownSigner()
    {
        using var other = CheckpointSigningKey.Generate(CheckpointSamples.Origin);
        using var otherName = CheckpointSigningKey.Generate("someone.else/log");
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), _key);

        Assert.Equal(CheckpointError.UnknownSigner, CheckpointNote.Verify(note, other.PublicKey).Error);
        Assert.Equal(CheckpointError.UnknownSigner, CheckpointNote.Verify(note, otherName.PublicKey).Error);
        Assert.Equal(CheckpointError.UnknownSigner, CheckpointNote.Verify(note, []).Error);
    }

    [Fact]
    public void Verify_ForgedSignatureUnderTrustedNameAndKeyId_IsBadSignature()
    {
        // An attacker copies our name and key id onto their own signature: the key id matches, so the
        // signature must be checked, and fails.
        using var attacker = CheckpointSigningKey.Generate(CheckpointSamples.Origin);
        var forged = CheckpointNote.Sign(CheckpointSamples.Create(), attacker);
        var start = forged.LastIndexOf(' ') + 1;
        var blob = Convert.FromBase64String(forged[start..^1]);
        BinaryPrimitives.WriteUInt32BigEndian(blob, _key.PublicKey.KeyId);

        var result = CheckpointNote.Verify(forged[..start] + Convert.ToBase64String(blob) + "\n", _key.PublicKey);

        Assert.Equal(CheckpointError.BadSignature, result.Error);
    }

    [Fact]
    public void Verify_MultipleSignatures_EitherKeySuffices()
    {
        using var second = CheckpointSigningKey.Generate(CheckpointSamples.Origin);
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), [_key, second]);

        Assert.True(CheckpointNote.Verify(note, _key.PublicKey).IsValid);
        Assert.True(CheckpointNote.Verify(note, second.PublicKey).IsValid);
        Assert.Equal(2, note.Split('\u2014').Length - 1);
    }

    [Fact]
    public void Verify_UnknownExtraSignatureLine_IsIgnored()
    {
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), _key);
        var withWitness = note + "\u2014 witness.example/w1 " + Convert.ToBase64String(new byte[72]) + "\n";

        Assert.True(CheckpointNote.Verify(withWitness, _key.PublicKey).IsValid);
    }

    [Fact]
    public void Verify_UnknownExtensionLine_IsIgnoredButSigned()
    {
        var body = CheckpointNote.FormatBody(CheckpointSamples.Create()) + "future something\n";

        Assert.Equal(CheckpointError.None, CheckpointNote.TryParseBody(body, out var checkpoint, out _));
        Assert.Equal(CheckpointSamples.Create(), checkpoint);
    }

    [Fact]
    public void Verify_StructuralDamage_GivesSpecificErrors()
    {
        var note = CheckpointNote.Sign(CheckpointSamples.Create(), _key);
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        var text = note[..(split + 1)];

        Assert.Equal(CheckpointError.MissingSignatures, CheckpointNote.Verify(text, _key.PublicKey).Error);
        Assert.Equal(CheckpointError.MissingSignatures, CheckpointNote.Verify(text + "\n", _key.PublicKey).Error);
        Assert.Equal(CheckpointError.MissingSignatures, CheckpointNote.Verify(note[..^1], _key.PublicKey).Error);
        Assert.Equal(CheckpointError.MalformedSignatureLine, CheckpointNote.Verify(text + "\n-- name AAAAAAA=\n", _key.PublicKey).Error);
        Assert.Equal(CheckpointError.MalformedSignatureLine, CheckpointNote.Verify(text + "\n\u2014 name !!!\n", _key.PublicKey).Error);
        Assert.Equal(CheckpointError.MalformedSignatureLine, CheckpointNote.Verify(text + "\n\u2014 name AAAA\n", _key.PublicKey).Error);
        Assert.Equal(CheckpointError.MalformedSignatureLine, CheckpointNote.Verify(text + "\n\u2014 nameonly\n", _key.PublicKey).Error);
        Assert.Equal(CheckpointError.InvalidText, CheckpointNote.Verify(note.Replace("number", "num\tber", StringComparison.Ordinal), _key.PublicKey).Error);
        Assert.Equal(CheckpointError.InvalidText, CheckpointNote.Verify(note + "\uD800", _key.PublicKey).Error);
        Assert.Equal(CheckpointError.InvalidText, CheckpointNote.Verify([0xff, 0x0a], [_key.PublicKey]).Error);
        Assert.Equal(CheckpointError.TooLarge, CheckpointNote.Verify(new string('a', CheckpointNote.MaxNoteBytes + 1), _key.PublicKey).Error);
        Assert.Equal(CheckpointError.InvalidText, CheckpointNote.Verify(null!, _key.PublicKey).Error);

        var many = text + "\n" + string.Concat(Enumerable.Repeat("\u2014 w " + Convert.ToBase64String(new byte[8]) + "\n", CheckpointNote.MaxSignatures + 1));
        Assert.Equal(CheckpointError.TooManySignatures, CheckpointNote.Verify(many, _key.PublicKey).Error);
    }

    [Theory]
    [InlineData("o\n1\n", CheckpointError.MalformedOrigin)]
    [InlineData("\n1\nROOT\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedOrigin)]
    [InlineData("has space\n1\nROOT\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedOrigin)]
    [InlineData("o\n01\nROOT\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedTreeSize)]
    [InlineData("o\n-1\nROOT\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedTreeSize)]
    [InlineData("o\n18446744073709551616\nROOT\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedTreeSize)]
    [InlineData("o\n1\nAAAA\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedRootHash)]
    [InlineData("o\n1\nROOT\ntime 2026-03-01T00:01:00Z\nclock unknown\nnumber 1\n", CheckpointError.MalformedExtension)]
    [InlineData("o\n1\nROOT\ntime T\ntime T\nclock unknown\nnumber 1\n", CheckpointError.MalformedExtension)]
    [InlineData("o\n1\nROOT\ntime T\nclock maybe\nnumber 1\n", CheckpointError.MalformedExtension)]
    [InlineData("o\n1\nROOT\ntime T\nclock unknown\nnumber 007\n", CheckpointError.MalformedExtension)]
    [InlineData("o\n1\nROOT\ntime T\nclock unknown\n\nnumber 1\n", CheckpointError.MalformedExtension)]
    [InlineData("o\n1\nROOT\ntime T\nclock unknown\n", CheckpointError.MissingExtension)]
    [InlineData("o\n1\nROOT\nclock unknown\nnumber 1\n", CheckpointError.MissingExtension)]
    [InlineData("o\n1\nROOT\ntime T\nclock unknown\nnumber 1", CheckpointError.MalformedOrigin)]
    public void TryParseBody_MalformedLines_GiveSpecificErrors(string body, CheckpointError expected)
    {
        body = body.Replace("ROOT", TreeHasher.EmptyRoot.ToBase64(), StringComparison.Ordinal)
            .Replace("time T", "time 2026-03-01T00:01:00.000000Z", StringComparison.Ordinal);

        Assert.Equal(expected, CheckpointNote.TryParseBody(body, out var checkpoint, out var message));
        Assert.Null(checkpoint);
        Assert.NotEmpty(message);
    }

    [Fact]
    public void Verify_RandomCorruption_NeverThrowsAndNeverAcceptsAlteredText()
    {
        var checkpoint = CheckpointSamples.Create();
        var note = Encoding.UTF8.GetBytes(CheckpointNote.Sign(checkpoint, _key));
        var rng = new Random(11);
        for (var i = 0; i < 3_000; i++)
        {
            var bytes = (byte[])note.Clone();
            for (var f = rng.Next(1, 3); f > 0; f--)
            {
                bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            }

            var cut = rng.Next(3) == 0 ? rng.Next(bytes.Length) : bytes.Length;
            var result = CheckpointNote.Verify(bytes.AsSpan(0, cut), [_key.PublicKey]);

            // A corruption may leave the note valid only if it left the signed text and the
            // signature's decoded bytes alone (a byte replaced by itself, an unused base64 bit).
            if (result.IsValid)
            {
                Assert.Equal(checkpoint, result.Checkpoint);
                Assert.Equal(CheckpointNote.FormatBody(checkpoint), Encoding.UTF8.GetString(bytes, 0, CheckpointNote.FormatBody(checkpoint).Length));
            }
        }
    }

    [Fact]
    public void FormatBody_InvalidOrigin_Throws()
    {
        Assert.Throws<ArgumentException>(() => CheckpointNote.FormatBody(CheckpointSamples.Create() with { Origin = "a+b" }));
        Assert.Throws<ArgumentException>(() => CheckpointNote.FormatBody(CheckpointSamples.Create() with { Origin = "a b" }));
        Assert.Throws<ArgumentException>(() => CheckpointNote.FormatBody(CheckpointSamples.Create() with { Origin = string.Empty }));
    }
}
