using EgressGuard.Ledger.Merkle;

namespace EgressGuard.Ledger.Tests.Merkle;

public sealed class TreeHashTests
{
    // RFC 6962 test vectors as published in github.com/transparency-dev/merkle (testonly/constants.go).
    private static readonly string[] VectorInputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] VectorRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void Roots_PublishedRfc6962Vectors_Match()
    {
        var tree = new IncrementalMerkleTree();
        Assert.Equal(VectorRoots[0], tree.Root.ToString());
        Assert.Equal(VectorRoots[0], TreeHasher.EmptyRoot.ToString());
        var leaves = new List<MerkleHash>();
        for (var i = 0; i < VectorInputs.Length; i++)
        {
            var leaf = TreeHasher.HashLeaf(Convert.FromHexString(VectorInputs[i]));
            tree.Append(leaf);
            leaves.Add(leaf);

            Assert.Equal(VectorRoots[i + 1], tree.Root.ToString());
            Assert.Equal(VectorRoots[i + 1], MerkleTree.ComputeRoot([.. leaves]).ToString());
        }
    }

    [Fact]
    public void Frontier_PublishedCompactTreeForSize7_Matches()
    {
        var tree = new IncrementalMerkleTree();
        foreach (var input in VectorInputs[..7])
        {
            tree.Append(TreeHasher.HashLeaf(Convert.FromHexString(input)));
        }

        // nh[2][0], nh[1][2], nh[0][6] from the same published file.
        Assert.Equal(
            [
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            ],
            tree.Frontier.ToArray().Select(h => h.ToString()));
    }

    [Fact]
    public void IncrementalTree_EverySize1To64_MatchesNaiveMth()
    {
        var tree = new IncrementalMerkleTree();
        for (var n = 1; n <= MerkleFixture.MaxSize; n++)
        {
            tree.Append(MerkleFixture.LeafHashes[n - 1]);

            Assert.Equal((ulong)n, tree.Size);
            Assert.Equal(MerkleFixture.Root(n), tree.Root);
            Assert.Equal(MerkleFixture.Root(n), MerkleTree.ComputeRoot(MerkleFixture.LeafHashes.AsSpan(0, n)));
            Assert.Equal(ulong.PopCount((ulong)n), (ulong)tree.Frontier.Length);
        }
    }

    [Fact]
    public void TryRestore_FromFrontier_ContinuesExactlyAsTheOriginal()
    {
        for (var cut = 0; cut <= MerkleFixture.MaxSize; cut++)
        {
            var original = new IncrementalMerkleTree();
            for (var i = 0; i < cut; i++)
            {
                original.Append(MerkleFixture.LeafHashes[i]);
            }

            Assert.True(IncrementalMerkleTree.TryRestore((ulong)cut, original.Frontier, out var restored));
            for (var i = cut; i < MerkleFixture.MaxSize; i++)
            {
                restored.Append(MerkleFixture.LeafHashes[i]);
            }

            Assert.Equal(MerkleFixture.Root(MerkleFixture.MaxSize), restored.Root);
        }
    }

    [Fact]
    public void TryRestore_WrongNumberOfHashes_IsRefused()
    {
        Assert.False(IncrementalMerkleTree.TryRestore(5, new MerkleHash[1], out _));
        Assert.False(IncrementalMerkleTree.TryRestore(0, new MerkleHash[1], out _));
        Assert.True(IncrementalMerkleTree.TryRestore(5, new MerkleHash[2], out _));
    }

    [Fact]
    public void Clone_IsIndependent()
    {
        var tree = new IncrementalMerkleTree();
        tree.Append(MerkleFixture.LeafHashes[0]);
        var copy = tree.Clone();
        tree.Append(MerkleFixture.LeafHashes[1]);

        Assert.Equal(1UL, copy.Size);
        Assert.Equal(MerkleFixture.Root(1), copy.Root);
        Assert.Equal(MerkleFixture.Root(2), tree.Root);
    }

    [Fact]
    public void TryComputeFrontier_EverySize_MatchesTheIncrementalTree()
    {
        var source = MerkleFixture.Source(MerkleFixture.MaxSize);
        var tree = new IncrementalMerkleTree();
        for (var n = 0; n <= MerkleFixture.MaxSize; n++)
        {
            Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryComputeFrontier(source, (ulong)n, out var frontier));
            Assert.Equal(tree.Frontier.ToArray(), frontier);
            Assert.Equal(ProofBuildStatus.Ok, MerkleProofBuilder.TryComputeRoot(source, (ulong)n, out var root));
            Assert.Equal(n == 0 ? TreeHasher.EmptyRoot : MerkleFixture.Root(n), root);
            if (n < MerkleFixture.MaxSize)
            {
                tree.Append(MerkleFixture.LeafHashes[n]);
            }
        }
    }

    [Fact]
    public void LeafAndNode_AreDomainSeparated()
    {
        var a = MerkleFixture.LeafHashes[0];
        var b = MerkleFixture.LeafHashes[1];
        Span<byte> concatenated = stackalloc byte[64];
        a.CopyTo(concatenated);
        b.CopyTo(concatenated[32..]);

        // A leaf whose data is two hashes must not equal the node over them (second-preimage defence).
        Assert.NotEqual(TreeHasher.HashNode(a, b), TreeHasher.HashLeaf(concatenated));
    }

    [Fact]
    public void MerkleHash_TextForms_RoundTripAndRejectNonCanonical()
    {
        var h = MerkleFixture.LeafHashes[5];

        Assert.True(MerkleHash.TryParseBase64(h.ToBase64(), out var fromBase64));
        Assert.Equal(h, fromBase64);
        Assert.True(MerkleHash.TryParseHex(h.ToString(), out var fromHex));
        Assert.Equal(h, fromHex);
        Assert.True(MerkleHash.TryParseHex(h.ToString().ToUpperInvariant(), out _));
        Assert.Equal(h, MerkleHash.Read(h.ToArray()));

        Assert.False(MerkleHash.TryParseBase64("AAAA", out _));
        Assert.False(MerkleHash.TryParseBase64(new string('!', 44), out _));
        Assert.False(MerkleHash.TryRead(new byte[31], out _));
        Assert.Throws<ArgumentException>(() => MerkleHash.Read(new byte[33]));
    }

    [Fact]
    public void MerkleHash_NonCanonicalPaddingBits_AreRefused()
    {
        // 32 bytes = 43 base64 characters + '='; the last character carries 2 unused bits.
        var zero = new string('A', 43) + "=";
        var dirty = new string('A', 42) + "B=";

        Assert.True(MerkleHash.TryParseBase64(zero, out _));
        Assert.False(MerkleHash.TryParseBase64(dirty, out _));
    }
}
