using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EgressGuard.WebConsole.Security;

/// <summary>
/// One configured API key: a name (who), a role (what) and the SHA-256 of the secret. The secret
/// itself is never stored: keys are 256 random bits, so a plain SHA-256 is enough to make a leaked
/// config useless for calling the API (no salt or slow hash is needed for non-guessable secrets).
/// </summary>
public sealed record ApiKey(string Name, ApiRole Role, byte[] Sha256)
{
    /// <summary>The prefix of every secret, so a leaked key is easy to recognise in a scanner.</summary>
    public const string SecretPrefix = "egk_";

    /// <summary>Makes a new random secret (<c>egk_</c> + 43 base64url characters).</summary>
    public static string NewSecret()
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        return SecretPrefix + Base64Url.EncodeToString(random);
    }

    /// <summary>The hash to put in the configuration for <paramref name="secret"/>.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Parses the configured hash: 64 hex digits, optionally prefixed <c>sha256:</c>.</summary>
    public static bool TryParseHash(string? text, out byte[] hash)
    {
        hash = [];
        if (text is null)
        {
            return false;
        }

        var hex = text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? text[7..] : text;
        if (hex.Length != 64)
        {
            return false;
        }

        try
        {
            hash = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
