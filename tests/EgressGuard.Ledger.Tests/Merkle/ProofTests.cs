using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Tests.Merkle;

public sealed class ProofTests
{
    private static readonly LeafHashList Source = MerkleFixture.Source(MerkleFixture.MaxSize);

    [Fact]
    public void InclusionProofs_AllIndicesOfAllSizes1To64_MatchNaivePathAndVerify()
    {
        for (var n = 1; n <= MerkleFixture.MaxSize; n++)
        {
            var root = MerkleFixture.Root(n);
            for (var m = 0; m < n; m++)
            {
                Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryBuildInclusionProof(Source, (ulong)m, (ulong)n, out var proof));
                Assert.Equal(MerkleFixture.ReferencePath(m, n), proof);
                Assert.Equal(
                    ProofVerificationResult.Valid,
                    MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)n, MerkleFixture.LeafHashes[m], proof, root));
            }
        }
    }

    [Fact]
    public void ConsistencyProofs_AllSizePairsUpTo64_MatchNaiveProofAndVerify()
    {
        for (var n = 1; n <= MerkleFixture.MaxSize; n++)
        {
            for (var m = 1; m <= n; m++)
            {
                Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryBuildConsistencyProof(Source, (ulong)m, (ulong)n, out var proof));
                var expected = m == n ? [] : MerkleFixture.ReferenceProof(m, n);
                Assert.Equal(expected, proof);
                Assert.Equal(
                    ProofVerificationResult.Valid,
                    MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, MerkleFixture.Root(m), MerkleFixture.Root(n), proof));
            }
        }
    }

    [Fact]
    public void InclusionProofs_TamperedInAnyWay_AreRejected()
    {
        for (var n = 1; n <= MerkleFixture.MaxSize; n++)
        {
            var root = MerkleFixture.Root(n);
            for (var m = 0; m < n; m++)
            {
                MerkleProofBuilder.TryBuildInclusionProof(Source, (ulong)m, (ulong)n, out var proof);
                var leaf = MerkleFixture.LeafHashes[m];

                // A flipped bit anywhere in the path.
                for (var i = 0; i < proof.Length; i++)
                {
                    var bad = (MerkleHash[])proof.Clone();
                    bad[i] = FlipBit(bad[i], (m + i) % 256);
                    Assert.Equal(ProofVerificationResult.RootMismatch, MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)n, leaf, bad, root));
                }

                // Another leaf, a flipped root, a wrong index or size, a shortened or lengthened path.
                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)n, MerkleFixture.LeafHashes[(m + 1) % 64], proof, root));
                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)n, leaf, proof, FlipBit(root, m)));
                for (var other = 0; other < n + 2; other++)
                {
                    if (other != m)
                    {
                        Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyInclusion((ulong)other, (ulong)n, leaf, proof, root));
                    }
                }

                // Another size with that size's real root: valid only where the proof happens to be the
                // correct proof for that size too (paths do not encode the size; the signed root does).
                for (var size = m + 1; size <= MerkleFixture.MaxSize; size++)
                {
                    if (size != n)
                    {
                        var result = MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)size, leaf, proof, MerkleFixture.Root(size));
                        var isRightProof = MerkleFixture.ReferencePath(m, size).SequenceEqual(proof);
                        Assert.Equal(isRightProof, result == ProofVerificationResult.Valid);
                    }
                }

                if (proof.Length > 0)
                {
                    Assert.Equal(ProofVerificationResult.ProofTooShort, MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)n, leaf, proof[..^1], root));
                }

                Assert.Equal(ProofVerificationResult.ProofTooLong, MerkleProofVerifier.VerifyInclusion((ulong)m, (ulong)n, leaf, [.. proof, root], root));
            }
        }
    }

    [Fact]
    public void ConsistencyProofs_TamperedInAnyWay_AreRejected()
    {
        for (var n = 2; n <= MerkleFixture.MaxSize; n++)
        {
            for (var m = 1; m < n; m++)
            {
                MerkleProofBuilder.TryBuildConsistencyProof(Source, (ulong)m, (ulong)n, out var proof);
                var oldRoot = MerkleFixture.Root(m);
                var newRoot = MerkleFixture.Root(n);

                for (var i = 0; i < proof.Length; i++)
                {
                    var bad = (MerkleHash[])proof.Clone();
                    bad[i] = FlipBit(bad[i], (m * n + i) % 256);
                    Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, oldRoot, newRoot, bad));
                }

                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, FlipBit(oldRoot, 3), newRoot, proof));
                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, oldRoot, FlipBit(newRoot, 3), proof));
                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, newRoot, oldRoot, proof));
                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, oldRoot, newRoot, proof[..^1]));
                Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, oldRoot, newRoot, [.. proof, newRoot]));
                // Other sizes with their real roots: valid only where this is also the right proof.
                for (var size = 1; size <= MerkleFixture.MaxSize; size++)
                {
                    if (size != n && size > m)
                    {
                        var result = MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)size, oldRoot, MerkleFixture.Root(size), proof);
                        var isRightProof = MerkleFixture.ReferenceProof(m, size).SequenceEqual(proof);
                        Assert.Equal(isRightProof, result == ProofVerificationResult.Valid);
                    }

                    if (size != m && size < n)
                    {
                        var result = MerkleProofVerifier.VerifyConsistency((ulong)size, (ulong)n, MerkleFixture.Root(size), newRoot, proof);
                        var isRightProof = MerkleFixture.ReferenceProof(size, n).SequenceEqual(proof);
                        Assert.Equal(isRightProof, result == ProofVerificationResult.Valid);
                    }

                    // The right sizes but another tree's roots never verify.
                    if (size != m && size != n && size < n)
                    {
                        Assert.NotEqual(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency((ulong)m, (ulong)n, MerkleFixture.Root(size), newRoot, proof));
                    }
                }
            }
        }
    }

    [Fact]
    public void Verify_EdgeCases_GiveSpecificResults()
    {
        var root = MerkleFixture.Root(8);
        var leaf = MerkleFixture.LeafHashes[0];
        MerkleProofBuilder.TryBuildInclusionProof(Source, 0, 8, out var proof);

        Assert.Equal(ProofVerificationResult.LeafIndexOutOfRange, MerkleProofVerifier.VerifyInclusion(8, 8, leaf, proof, root));
        Assert.Equal(ProofVerificationResult.LeafIndexOutOfRange, MerkleProofVerifier.VerifyInclusion(0, 0, leaf, [], root));
        Assert.Equal(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyInclusion(0, 1, leaf, [], leaf));

        Assert.Equal(ProofVerificationResult.OldSizeExceedsNewSize, MerkleProofVerifier.VerifyConsistency(9, 8, root, root, []));
        Assert.Equal(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency(8, 8, root, root, []));
        Assert.Equal(ProofVerificationResult.OldRootMismatch, MerkleProofVerifier.VerifyConsistency(8, 8, root, MerkleFixture.Root(7), []));
        Assert.Equal(ProofVerificationResult.ProofTooLong, MerkleProofVerifier.VerifyConsistency(8, 8, root, root, [root]));
        Assert.Equal(ProofVerificationResult.Valid, MerkleProofVerifier.VerifyConsistency(0, 8, TreeHasher.EmptyRoot, root, []));
        Assert.Equal(ProofVerificationResult.OldRootMismatch, MerkleProofVerifier.VerifyConsistency(0, 8, root, root, []));
        Assert.Equal(ProofVerificationResult.ProofTooShort, MerkleProofVerifier.VerifyConsistency(3, 8, MerkleFixture.Root(3), root, []));
    }

    [Fact]
    public void Build_OutOfRangeRequests_ReturnStatus()
    {
        Assert.Equal(ProofBuildStatus.LeafIndexOutOfRange, MerkleProofBuilder.TryBuildInclusionProof(Source, 5, 5, out _));
        Assert.Equal(ProofBuildStatus.SizeOutOfRange, MerkleProofBuilder.TryBuildConsistencyProof(Source, 6, 5, out _));
        Assert.Equal(ProofBuildStatus.HashesUnavailable, MerkleProofBuilder.TryBuildInclusionProof(Source, 0, 65, out _));
        Assert.Equal(ProofBuildStatus.HashesUnavailable, MerkleProofBuilder.TryBuildConsistencyProof(Source, 3, 100, out _));
        Assert.Equal(ProofBuildStatus.HashesUnavailable, MerkleProofBuilder.TryComputeRoot(Source, 65, out _));
        Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryBuildConsistencyProof(Source, 0, 5, out var empty));
        Assert.Empty(empty);
    }

    [Fact]
    public void Build_WithStoredSubtreeHashes_UsesThemAndGivesTheSameProofs()
    {
        // 1,000 leaves (beyond the 256-leaf chunk), with every aligned 16-leaf subtree stored.
        var leaves = Enumerable.Range(0, 1_000).Select(i => TreeHasher.HashLeaf(BitConverter.GetBytes(i))).ToArray();
        var plain = new LeafHashList();
        foreach (var leaf in leaves)
        {
            plain.Add(leaf);
        }

        var blocked = new BlockedSource(leaves, level: 4);
        foreach (var (m, n) in new[] { (0UL, 1000UL), (999UL, 1000UL), (517UL, 600UL), (255UL, 257UL), (640UL, 1000UL) })
        {
            MerkleProofBuilder.TryBuildInclusionProof(plain, m, n, out var expected);
            Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryBuildInclusionProof(blocked, m, n, out var actual));
            Assert.Equal(expected, actual);
            MerkleProofBuilder.TryBuildConsistencyProof(plain, m + 1, n, out expected);
            MerkleProofBuilder.TryBuildConsistencyProof(blocked, m + 1, n, out actual);
            Assert.Equal(expected, actual);
        }

        Assert.True(blocked.SubtreeHits > 0);
        Assert.Equal(MerkleTree.ComputeRoot(leaves), MerkleProofBuilder.TryComputeRoot(blocked, 1_000, out var root) == ProofBuildStatus.Ok ? root : default);
    }

    [Fact]
    public void ComputeRoot_OverFullBlockHashes_EqualsRootOverLeaves()
    {
        // The recommended storage keeps one hash per full 256-leaf block; MTH over them is the tree root.
        var leaves = Enumerable.Range(0, 256 * 5).Select(i => TreeHasher.HashLeaf(BitConverter.GetBytes(i))).ToArray();
        var blocks = Enumerable.Range(0, 5).Select(b => MerkleTree.ComputeRoot(leaves.AsSpan(b * 256, 256))).ToArray();

        Assert.Equal(MerkleTree.ComputeRoot(leaves), MerkleTree.ComputeRoot(blocks));
    }

    private static MerkleHash FlipBit(MerkleHash hash, int bit)
    {
        var bytes = hash.ToArray();
        bytes[(bit / 8) % 32] ^= (byte)(1 << (bit % 8));
        return MerkleHash.Read(bytes);
    }

    /// <summary>A store that keeps the hash of every aligned 2^level-leaf subtree, as tiles would.</summary>
    private sealed class BlockedSource(MerkleHash[] leaves, int level) : IMerkleHashSource
    {
        public int SubtreeHits { get; private set; }

        public bool TryReadLeafHashes(ulong start, Span<MerkleHash> destination)
        {
            if (start + (ulong)destination.Length > (ulong)leaves.Length)
            {
                return false;
            }

            leaves.AsSpan((int)start, destination.Length).CopyTo(destination);
            return true;
        }

        public bool TryGetSubtreeHash(ulong start, int requestedLevel, out MerkleHash hash)
        {
            hash = default;
            var size = 1 << requestedLevel;
            if (requestedLevel != level || start + (ulong)size > (ulong)leaves.Length)
            {
                return false;
            }

            hash = MerkleTree.ComputeRoot(leaves.AsSpan((int)start, size));
            SubtreeHits++;
            return true;
        }
    }
}
