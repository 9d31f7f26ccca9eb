using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace EgressGuard.Inspection.Scanning;

/// <summary>
/// OpenSSL's low-level <c>SHA256_Init/Update/Final</c> over a caller-held context, so an HMAC can start from
/// precomputed inner and outer states (<see cref="FingerprintKey"/>). The BCL's HMAC goes through OpenSSL 3's EVP
/// layer, which costs about a microsecond of fixed overhead per call (provider fetch, context copy, error-queue
/// clearing) — more than the two SHA-256 compressions a fingerprint needs. These are the same library .NET already
/// loads and the same block function. The low-level API is deprecated in OpenSSL 3 but still exported; when the library
/// or a symbol is missing, or the known-answer test fails, <see cref="IsNative"/> is false and callers use the BCL, so
/// the result never changes, only the speed. (The ledger does the same in its own project; Inspection stays free of
/// project references.)
/// </summary>
internal static unsafe class NativeSha256
{
    /// <summary>Bytes reserved for a <c>SHA256_CTX</c> (112 bytes: 8 state words, two length words, 16 data words, num, md_len). It holds no pointers, so a copy is a valid context.</summary>
    public const int ContextSize = 128;

    // Inputs are fed in slices so no single call without a GC transition runs long.
    private const int MaxSlice = 16 * 1024;

    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> Init;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> UpdateFn;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> FinalFn;

#pragma warning disable CA1810 // the three exports must be resolved together, or not at all
    static NativeSha256()
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
            var p = input;
            var length = data.Length;
            while (length > 0)
            {
                var slice = Math.Min(length, MaxSlice);
                UpdateFn(c, p, (nuint)slice);
                p += slice;
                length -= slice;
            }
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
