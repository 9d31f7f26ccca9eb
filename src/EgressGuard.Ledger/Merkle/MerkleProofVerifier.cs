namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// Checks RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs. Pure functions over
/// values, no allocation; failures are a <see cref="ProofVerificationResult"/>, never an exception.
/// </summary>
public static class MerkleProofVerifier
{
    /// <summary>
    /// Whether <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree of
    /// <paramref name="treeSize"/> leaves whose root is <paramref name="rootHash"/>.
    /// </summary>
    public static ProofVerificationResult VerifyInclusion(
        ulong leafIndex, ulong treeSize, in MerkleHash leafHash, ReadOnlySpan<MerkleHash> proof, in MerkleHash rootHash)
    {
        var result = RootFromInclusionProof(leafIndex, treeSize, leafHash, proof, out var computed);
        if (result != ProofVerificationResult.Valid)
        {
            return result;
        }

        return computed == rootHash ? ProofVerificationResult.Valid : ProofVerificationResult.RootMismatch;
    }

    /// <summary>
    /// Whether the tree of <paramref name="oldSize"/> leaves with root <paramref name="oldRoot"/> is a
    /// prefix of the tree of <paramref name="newSize"/> leaves with root <paramref name="newRoot"/>.
    /// Equal sizes need an empty proof and equal roots; size 0 needs an empty proof and the empty root.
    /// </summary>
    public static ProofVerificationResult VerifyConsistency(
        ulong oldSize, ulong newSize, in MerkleHash oldRoot, in MerkleHash newRoot, ReadOnlySpan<MerkleHash> proof)
    {
        if (oldSize > newSize)
        {
            return ProofVerificationResult.OldSizeExceedsNewSize;
        }

        if (oldSize == newSize || oldSize == 0)
        {
            if (!proof.IsEmpty)
            {
                return ProofVerificationResult.ProofTooLong;
            }

            if (oldSize == 0)
            {
                if (oldRoot != TreeHasher.EmptyRoot)
                {
                    return ProofVerificationResult.OldRootMismatch;
                }

                return newSize != 0 || newRoot == TreeHasher.EmptyRoot ? ProofVerificationResult.Valid : ProofVerificationResult.NewRootMismatch;
            }

            return oldRoot == newRoot ? ProofVerificationResult.Valid : ProofVerificationResult.OldRootMismatch;
        }

        // §2.1.4.2 step 1.
        if (proof.IsEmpty)
        {
            return ProofVerificationResult.ProofTooShort;
        }

        // Step 2: when the old tree is a perfect subtree, its root is the implicit first element.
        var prepend = (oldSize & (oldSize - 1)) == 0;
        var first = prepend ? oldRoot : proof[0];
        var rest = prepend ? proof : proof[1..];

        // Steps 3-5.
        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) != 0)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = first;
        var sr = first;

        // Step 6.
        foreach (var c in rest)
        {
            if (sn == 0)
            {
                return ProofVerificationResult.ProofTooLong;
            }

            if ((fn & 1) != 0 || fn == sn)
            {
                fr = TreeHasher.HashNode(c, fr);
                sr = TreeHasher.HashNode(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = TreeHasher.HashNode(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        // Step 7.
        if (sn != 0)
        {
            return ProofVerificationResult.ProofTooShort;
        }

        if (fr != oldRoot)
        {
            return ProofVerificationResult.OldRootMismatch;
        }

        return sr == newRoot ? ProofVerificationResult.Valid : ProofVerificationResult.NewRootMismatch;
    }

    /// <summary>
    /// The root an inclusion proof leads to (§2.1.3.2 steps 1-4), for callers that compare it
    /// themselves (e.g. against several checkpoints).
    /// </summary>
    public static ProofVerificationResult RootFromInclusionProof(
        ulong leafIndex, ulong treeSize, in MerkleHash leafHash, ReadOnlySpan<MerkleHash> proof, out MerkleHash root)
    {
        root = default;
        if (leafIndex >= treeSize)
        {
            return ProofVerificationResult.LeafIndexOutOfRange;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return ProofVerificationResult.ProofTooLong;
            }

            if ((fn & 1) != 0 || fn == sn)
            {
                r = TreeHasher.HashNode(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = TreeHasher.HashNode(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return ProofVerificationResult.ProofTooShort;
        }

        root = r;
        return ProofVerificationResult.Valid;
    }
}
