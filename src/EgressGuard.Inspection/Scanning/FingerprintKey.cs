using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using EgressGuard.Native;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// The appliance's fingerprint key, prepared once per <see cref="PiiScanner"/>: HMAC-SHA256 (RFC 2104) with the inner
/// and outer hash states after the padded key block already computed, so a fingerprint costs the compressions of its
/// message and of the inner digest and nothing per key. Immutable and shared by every thread (each computation
/// copies the states onto its stack). Where the native SHA-256 is unavailable the BCL HMAC is used, keyed once per
/// thread; both give the same bytes (tested).
/// </summary>
internal sealed class FingerprintKey
{
    private const int BlockSize = 64;

    // Inner state at [0, ContextSize), outer state at [ContextSize, 2 * ContextSize); null on the BCL path.
    private readonly byte[]? _states;

    [ThreadStatic]
    private static CachedHmac? _cached;

    /// <summary>Prepares <paramref name="key"/> (copied).</summary>
    public FingerprintKey(ReadOnlySpan<byte> key) : this(key, OpenSslSha256.IsNative)
    {
    }

    /// <summary>Prepares <paramref name="key"/>; <paramref name="useNative"/> false forces the BCL path (tests compare both).</summary>
    internal FingerprintKey(ReadOnlySpan<byte> key, bool useNative)
    {
        Key = key.ToArray();
        if (!useNative || !OpenSslSha256.IsNative)
        {
            return;
        }

        // RFC 2104: a key longer than the block is hashed first; the block is the key zero-padded to 64 bytes.
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        if (key.Length > BlockSize)
        {
            SHA256.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        var states = new byte[2 * OpenSslSha256.ContextSize];
        Span<byte> pad = stackalloc byte[BlockSize];
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x36);
        }

        var inner = states.AsSpan(0, OpenSslSha256.ContextSize);
        OpenSslSha256.Start(inner);
        OpenSslSha256.Update(inner, pad);
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x5C);
        }

        var outer = states.AsSpan(OpenSslSha256.ContextSize, OpenSslSha256.ContextSize);
        OpenSslSha256.Start(outer);
        OpenSslSha256.Update(outer, pad);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(pad);
        _states = states;
    }

    /// <summary>The raw key (a private copy).</summary>
    public byte[] Key { get; }

    /// <summary>Whether the precomputed native states are in use.</summary>
    public bool IsNative => _states is not null;

    /// <summary>HMAC-SHA256 of <paramref name="message"/> into 32 bytes of <paramref name="mac"/>.</summary>
    [SkipLocalsInit] // the context is overwritten by a state copy, the inner digest by SHA256_Final, before either is read
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        var states = _states;
        if (states is null)
        {
            ComputeBcl(message, mac);
            return;
        }

        Span<byte> context = stackalloc byte[OpenSslSha256.ContextSize];
        Span<byte> innerDigest = stackalloc byte[32];
        states.AsSpan(0, OpenSslSha256.ContextSize).CopyTo(context);
        OpenSslSha256.Update(context, message);
        OpenSslSha256.Finish(context, innerDigest);
        states.AsSpan(OpenSslSha256.ContextSize, OpenSslSha256.ContextSize).CopyTo(context);
        OpenSslSha256.Update(context, innerDigest);
        OpenSslSha256.Finish(context, mac);
    }

    // One keyed HMAC per thread, reused while the key is the same (setting one up costs more than hashing a short
    // value); the result is the same as a one-shot HMAC.
    private void ComputeBcl(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        var cached = _cached;
        if (cached is null || !ReferenceEquals(cached.Owner, this))
        {
            cached?.Hmac.Dispose();
            cached = new CachedHmac(this, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Key));
            _cached = cached;
        }

        cached.Hmac.AppendData(message);
        cached.Hmac.GetHashAndReset(mac);
    }

    private sealed record CachedHmac(FingerprintKey Owner, IncrementalHash Hmac);
}
