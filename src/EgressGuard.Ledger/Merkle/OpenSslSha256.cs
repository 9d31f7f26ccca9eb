using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace EgressGuard.Ledger.Merkle;

/// <summary>
/// SHA-256 for the Merkle tree's many small inputs (a ~190-byte leaf, a 65-byte node). The BCL's
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> goes through OpenSSL 3's EVP layer,
/// which costs ≈ 450 ns of fixed overhead per call (provider fetch, context allocation); OpenSSL's own
/// low-level <c>SHA256_Init/Update/Final</c> — the same library .NET already loads, the same SHA-NI
/// block function — costs ≈ 90 ns for a node and ≈ 175 ns for a leaf here
/// (<c>bench/EgressGuard.Benchmarks/Ledger/README.md</c>, <c>hash-probe</c>). The low-level API is
/// deprecated in OpenSSL 3 but still exported; when the library or a symbol is missing this falls back
/// to the BCL, so the result never changes, only the speed (a test compares both on every length).
/// </summary>
internal static unsafe class OpenSslSha256
{
    // SHA256_CTX is 112 bytes (8 state words, two length words, 16 data words, num, md_len); room to spare.
    private const int ContextSize = 128;

    // Inputs are fed in slices so no single call without a GC transition runs long.
    private const int MaxSlice = 16 * 1024;

    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> Init;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> Update;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> Final;

#pragma warning disable CA1810 // the three exports must be resolved together, or not at all
    static OpenSslSha256()
#pragma warning restore CA1810
    {
        foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(library, "SHA256_Update", out var update)
                && NativeLibrary.TryGetExport(library, "SHA256_Final", out var final))
            {
                Init = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init;
                Update = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
                Final = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
                IsNative = SelfTest();
                return;
            }
        }
    }

    /// <summary>Whether the low-level OpenSSL functions are in use (false: the BCL fallback).</summary>
    public static bool IsNative { get; }

    /// <summary>SHA-256 of <paramref name="prefix"/> followed by <paramref name="data"/> into 32 bytes of <paramref name="digest"/>.</summary>
    public static void Hash(byte prefix, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (!IsNative)
        {
            Fallback(prefix, data, digest);
            return;
        }

        HashNative(prefix, data, digest);
    }

    /// <summary>SHA-256 of <paramref name="data"/> into 32 bytes of <paramref name="digest"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (!IsNative)
        {
            SHA256.HashData(data, digest);
            return;
        }

        byte* context = stackalloc byte[ContextSize];
        fixed (byte* input = data)
        fixed (byte* output = digest)
        {
            Init(context);
            Feed(context, input, data.Length);
            Final(output, context);
        }
    }

    private static void HashNative(byte prefix, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (digest.Length < 32)
        {
            throw new ArgumentException("A SHA-256 digest needs 32 bytes.", nameof(digest));
        }

        byte* context = stackalloc byte[ContextSize];
        fixed (byte* input = data)
        fixed (byte* output = digest)
        {
            Init(context);
            Update(context, &prefix, 1);
            Feed(context, input, data.Length);
            Final(output, context);
        }
    }

    private static void Feed(byte* context, byte* input, int length)
    {
        while (length > 0)
        {
            var slice = Math.Min(length, MaxSlice);
            Update(context, input, (nuint)slice);
            input += slice;
            length -= slice;
        }
    }

    private static void Fallback(byte prefix, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([prefix]);
        hash.AppendData(data);
        hash.GetHashAndReset(digest);
    }

    // The known answer for "abc" (FIPS 180-2 appendix B.1), with and without a prefix byte, and a
    // multi-slice input: anything else and the BCL is used.
    private static bool SelfTest()
    {
        try
        {
            Span<byte> native = stackalloc byte[32];
            Span<byte> expected = stackalloc byte[32];
            byte* context = stackalloc byte[ContextSize];
            var input = new byte[(2 * MaxSlice) + 77];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)(i * 31);
            }

            fixed (byte* bytes = input)
            fixed (byte* output = native)
            {
                Init(context);
                Feed(context, bytes, input.Length);
                Final(output, context);
            }

            SHA256.HashData(input, expected);
            if (!native.SequenceEqual(expected))
            {
                return false;
            }

            "abc"u8.CopyTo(input);
            fixed (byte* bytes = input)
            fixed (byte* output = native)
            {
                Init(context);
                Update(context, bytes, 1);
                Feed(context, bytes + 1, 2);
                Final(output, context);
            }

            return Convert.ToHexStringLower(native) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or SEHException)
        {
            return false;
        }
    }
}
