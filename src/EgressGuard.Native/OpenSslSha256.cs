using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace EgressGuard.Native;

/// <summary>
/// OpenSSL's low-level <c>SHA256_Init/Update/Final</c>. The BCL's SHA-256 and HMAC go through OpenSSL 3's
/// EVP layer, which costs ≈ 450 ns – 1 µs of fixed overhead per call (provider fetch, context
/// allocation, error-queue clearing): more than hashing the small inputs EgressGuard hashes by the
/// million — a Merkle leaf (≈ 190 B) or node (65 B) in the ledger (≈ 175 / 90 ns here instead), a
/// fingerprint's two HMAC compressions in the scanner. Same library .NET already loads, same block
/// function. Two ways in: one-shot <see cref="Hash(ReadOnlySpan{byte}, Span{byte})"/> (with an optional
/// prefix byte), and a caller-held context (<see cref="Start"/>, <see cref="Update"/>,
/// <see cref="Finish"/>; a context holds no pointers, so a copy is a valid context — how an HMAC starts
/// from precomputed inner and outer states). The low-level API is deprecated in OpenSSL 3 but still
/// exported; when the library or a symbol is missing, or the known-answer self-test fails,
/// <see cref="IsNative"/> is false: <c>Hash</c> falls back to the BCL and context users must take their
/// BCL path, so results never change, only the speed.
/// </summary>
public static unsafe class OpenSslSha256
{
    /// <summary>Bytes reserved for a <c>SHA256_CTX</c> (112 bytes: 8 state words, two length words, 16 data words, num, md_len). It holds no pointers, so a copy is a valid context.</summary>
    public const int ContextSize = 128;

    // Inputs are fed in slices so no single call without a GC transition runs long.
    private const int MaxSlice = 16 * 1024;

    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> Init;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> UpdateFn;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> FinalFn;

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
                UpdateFn = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
                FinalFn = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
                IsNative = SelfTest();
                return;
            }
        }
    }

    /// <summary>Whether the low-level OpenSSL functions are usable (false: callers take the BCL path).</summary>
    public static bool IsNative { get; }

    /// <summary>Starts a context in <paramref name="context"/> (at least <see cref="ContextSize"/> bytes). Only when <see cref="IsNative"/>.</summary>
    public static void Start(Span<byte> context)
    {
        CheckContext(context);
        fixed (byte* c = context)
        {
            Init(c);
        }
    }

    /// <summary>Feeds <paramref name="data"/> into the context. Only when <see cref="IsNative"/>.</summary>
    public static void Update(Span<byte> context, ReadOnlySpan<byte> data)
    {
        CheckContext(context);
        fixed (byte* c = context)
        fixed (byte* input = data)
        {
            Feed(c, input, data.Length);
        }
    }

    /// <summary>Finishes the context into 32 bytes of <paramref name="digest"/>. Only when <see cref="IsNative"/>.</summary>
    public static void Finish(Span<byte> context, Span<byte> digest)
    {
        CheckContext(context);
        if (digest.Length < 32)
        {
            ThrowShortDigest();
        }

        fixed (byte* c = context)
        fixed (byte* output = digest)
        {
            FinalFn(output, c);
        }
    }

    /// <summary>SHA-256 of <paramref name="prefix"/> followed by <paramref name="data"/> into 32 bytes of <paramref name="digest"/> (BCL when not <see cref="IsNative"/>).</summary>
    public static void Hash(byte prefix, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (digest.Length < 32)
        {
            ThrowShortDigest();
        }

        if (!IsNative)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData([prefix]);
            hash.AppendData(data);
            hash.GetHashAndReset(digest);
            return;
        }

        byte* context = stackalloc byte[ContextSize];
        fixed (byte* input = data)
        fixed (byte* output = digest)
        {
            Init(context);
            UpdateFn(context, &prefix, 1);
            Feed(context, input, data.Length);
            FinalFn(output, context);
        }
    }

    /// <summary>SHA-256 of <paramref name="data"/> into 32 bytes of <paramref name="digest"/> (BCL when not <see cref="IsNative"/>).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (!IsNative)
        {
            SHA256.HashData(data, digest);
            return;
        }

        if (digest.Length < 32)
        {
            ThrowShortDigest();
        }

        byte* context = stackalloc byte[ContextSize];
        fixed (byte* input = data)
        fixed (byte* output = digest)
        {
            Init(context);
            Feed(context, input, data.Length);
            FinalFn(output, context);
        }
    }

    private static void Feed(byte* context, byte* input, int length)
    {
        while (length > 0)
        {
            var slice = Math.Min(length, MaxSlice);
            UpdateFn(context, input, (nuint)slice);
            input += slice;
            length -= slice;
        }
    }

    private static void CheckContext(Span<byte> context)
    {
        if (context.Length < ContextSize)
        {
            ThrowShortContext();
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowShortContext() => throw new ArgumentException("A SHA-256 context needs " + ContextSize + " bytes.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowShortDigest() => throw new ArgumentException("A SHA-256 digest needs 32 bytes.");

    // Known answers: "abc" (FIPS 180-2 appendix B.1) fed in two pieces through a copied context, and a multi-slice
    // input against the BCL. Anything else and the BCL is used.
    private static bool SelfTest()
    {
        try
        {
            Span<byte> context = stackalloc byte[ContextSize];
            Span<byte> copy = stackalloc byte[ContextSize];
            Span<byte> native = stackalloc byte[32];
            Span<byte> expected = stackalloc byte[32];
            fixed (byte* c = context)
            {
                Init(c);
            }

            fixed (byte* c = context)
            fixed (byte* a = "a"u8)
            {
                UpdateFn(c, a, 1);
            }

            context.CopyTo(copy);
            fixed (byte* c = copy)
            fixed (byte* bc = "bc"u8)
            fixed (byte* output = native)
            {
                UpdateFn(c, bc, 2);
                FinalFn(output, c);
            }

            if (Convert.ToHexStringLower(native) != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            {
                return false;
            }

            var input = new byte[(2 * MaxSlice) + 77];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)(i * 31);
            }

            fixed (byte* c = context)
            {
                Init(c);
            }

            fixed (byte* c = context)
            fixed (byte* bytes = input)
            fixed (byte* output = native)
            {
                for (var offset = 0; offset < input.Length; offset += MaxSlice)
                {
                    UpdateFn(c, bytes + offset, (nuint)Math.Min(MaxSlice, input.Length - offset));
                }

                FinalFn(output, c);
            }

            SHA256.HashData(input, expected);
            return native.SequenceEqual(expected);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or SEHException)
        {
            return false;
        }
    }
}
