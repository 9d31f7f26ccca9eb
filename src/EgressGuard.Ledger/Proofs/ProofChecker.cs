using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Proofs;

/// <summary>What is wrong with a proof (offline check).</summary>
public enum ProofCheckFailure
{
    /// <summary>The proof holds.</summary>
    None = 0,

    /// <summary>The file is not a proof (JSON, format, field types, sizes).</summary>
    Malformed,

    /// <summary>The checkpoint note is not signed by a trusted key, or its fields differ from the signed text.</summary>
    BadSignature,

    /// <summary>The signed checkpoint is for another log than the proof names.</summary>
    WrongOrigin,

    /// <summary>The entry bytes are not a canonical entry, or carry another sequence number.</summary>
    EntryMismatch,

    /// <summary>The Merkle path does not lead from the entry (or the old root) to the signed root.</summary>
    PathInvalid,
}

/// <summary>The outcome of <see cref="ProofChecker"/>.</summary>
public sealed record ProofCheck
{
    /// <summary>What failed, or <see cref="ProofCheckFailure.None"/>.</summary>
    public ProofCheckFailure Failure { get; init; }

    /// <summary>Why it failed (empty when it holds).</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>Which keys were trusted (the pinned key, or the ones the file carries).</summary>
    public string TrustedKeySource { get; init; } = string.Empty;

    /// <summary>Inclusion: the decoded entry.</summary>
    public LedgerEntry? Entry { get; init; }

    /// <summary>Consistency: the older signed checkpoint.</summary>
    public Checkpoint? From { get; init; }

    /// <summary>The signed checkpoint the proof leads to (inclusion) or the newer one (consistency).</summary>
    public Checkpoint? To { get; init; }

    /// <summary>True when the proof holds.</summary>
    public bool IsValid => Failure == ProofCheckFailure.None;
}

/// <summary>
/// Checks a proof file offline, with nothing but the file and (preferably) the public key obtained
/// separately: the checkpoint signatures, that the entry's canonical bytes carry its sequence number,
/// and the RFC 9162 path to the signed root.
/// </summary>
public static class ProofChecker
{
    /// <summary>Checks the proof in <paramref name="json"/>; <paramref name="pinnedKey"/> null trusts the keys the file carries.</summary>
    public static ProofCheck Check(ReadOnlySpan<byte> json, CheckpointPublicKey? pinnedKey)
    {
        if (!ProofJson.TryRead(json, out var inclusion, out var consistency, out var error))
        {
            return new ProofCheck { Failure = ProofCheckFailure.Malformed, Message = error };
        }

        return inclusion is not null ? Check(inclusion, pinnedKey) : Check(consistency!, pinnedKey);
    }

    /// <summary>Checks an inclusion proof.</summary>
    public static ProofCheck Check(InclusionProof proof, CheckpointPublicKey? pinnedKey)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var (keys, source) = Keys(proof.PublicKeys, pinnedKey);
        var failure = Open(proof.Checkpoint, proof.Origin, keys, source, out var signed);
        if (failure is not null)
        {
            return failure;
        }

        var decode = CanonicalDecoder.TryDecode(proof.Entry, out var entry);
        if (decode != CanonicalDecodeError.None)
        {
            return Fail(ProofCheckFailure.EntryMismatch, $"entry {proof.Sequence}: its bytes are not a canonical entry ({decode})", source);
        }

        if (entry!.Sequence != proof.Sequence)
        {
            return Fail(ProofCheckFailure.EntryMismatch, $"entry {proof.Sequence}: its bytes carry sequence number {entry.Sequence}", source);
        }

        var result = MerkleProofVerifier.VerifyInclusion(proof.Sequence, signed!.TreeSize, TreeHasher.HashLeaf(proof.Entry), [.. proof.Path], signed.RootHash);
        if (result != ProofVerificationResult.Valid)
        {
            return Fail(ProofCheckFailure.PathInvalid,
                $"entry {proof.Sequence} is not in the log signed by checkpoint {signed.Number} ({result}): the entry or the path was changed", source);
        }

        return new ProofCheck { Entry = entry, To = signed, TrustedKeySource = source };
    }

    /// <summary>Checks a consistency proof.</summary>
    public static ProofCheck Check(ConsistencyProof proof, CheckpointPublicKey? pinnedKey)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var (keys, source) = Keys(proof.PublicKeys, pinnedKey);
        if (Open(proof.From, proof.Origin, keys, source, out var from) is { } fromFailure)
        {
            return fromFailure;
        }

        if (Open(proof.To, proof.Origin, keys, source, out var to) is { } toFailure)
        {
            return toFailure;
        }
        var result = MerkleProofVerifier.VerifyConsistency(from!.TreeSize, to!.TreeSize, from.RootHash, to.RootHash, [.. proof.Path]);
        if (result != ProofVerificationResult.Valid)
        {
            return Fail(ProofCheckFailure.PathInvalid,
                $"checkpoint {from.Number} (size {from.TreeSize}) is not a prefix of checkpoint {to.Number} (size {to.TreeSize}) ({result}): the log was rewritten or the proof changed",
                source);
        }

        return new ProofCheck { From = from, To = to, TrustedKeySource = source };
    }

    private static (IReadOnlyList<CheckpointPublicKey> Keys, string Source) Keys(IReadOnlyList<CheckpointPublicKey> carried, CheckpointPublicKey? pinned) =>
        pinned is not null
            ? ([pinned], "the given public key " + pinned)
            : (carried, "the keys in the proof file (pass --public-key to check against a key you obtained separately)");

    private static ProofCheck? Open(SignedCheckpoint stated, string origin, IReadOnlyList<CheckpointPublicKey> keys, string source, out Checkpoint? signed)
    {
        signed = null;
        var opened = CheckpointNote.Verify(stated.Note, keys);
        if (!opened.IsValid || opened.Checkpoint is not { } cp)
        {
            return Fail(ProofCheckFailure.BadSignature, $"checkpoint {stated.Number}: {opened.Error}: {opened.Message}", source);
        }

        if (cp.Origin != origin)
        {
            return Fail(ProofCheckFailure.WrongOrigin, $"checkpoint {stated.Number} is for log '{cp.Origin}', the proof names '{origin}'", source);
        }

        if (cp.TreeSize != stated.TreeSize || cp.Number != (ulong)stated.Number)
        {
            return Fail(ProofCheckFailure.BadSignature,
                $"checkpoint {stated.Number}: the file says number {stated.Number} size {stated.TreeSize}, the signed note says number {cp.Number} size {cp.TreeSize}", source);
        }

        signed = cp;
        return null;
    }

    private static ProofCheck Fail(ProofCheckFailure failure, string message, string source) =>
        new() { Failure = failure, Message = message, TrustedKeySource = source };
}
