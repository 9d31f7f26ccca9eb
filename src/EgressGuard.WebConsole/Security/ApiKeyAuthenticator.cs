using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EgressGuard.WebConsole.Security;

/// <summary>The result of looking at a request's credentials.</summary>
public readonly record struct ApiCaller(ApiKey? Key, string? Problem)
{
    /// <summary>True when a configured key matched.</summary>
    public bool Authenticated => Key is not null;
}

/// <summary>
/// Checks <c>Authorization: Bearer KEY</c> (or <c>X-Api-Key: KEY</c>) against the configured key
/// hashes, in constant time per key. The key set can be swapped at run time (config reload).
/// </summary>
public sealed class ApiKeyAuthenticator
{
    private volatile IReadOnlyList<ApiKey> _keys;

    /// <summary>Creates the authenticator with the configured keys (may be empty: then every call is 401).</summary>
    public ApiKeyAuthenticator(IReadOnlyList<ApiKey> keys) => _keys = keys;

    /// <summary>How many keys are configured.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Replaces the key set atomically.</summary>
    public void Update(IReadOnlyList<ApiKey> keys) => _keys = keys;

    /// <summary>Finds the caller of <paramref name="request"/>.</summary>
    public ApiCaller Authenticate(HttpRequest request)
    {
        string? secret = null;
        var authorization = request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value)
        {
            if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return new ApiCaller(null, "Authorization must be 'Bearer <API key>'");
            }

            secret = value[7..].Trim();
        }
        else if (authorization.Count > 1)
        {
            return new ApiCaller(null, "more than one Authorization header");
        }
        else if (request.Headers.TryGetValue("X-Api-Key", out var header))
        {
            if (header.Count != 1)
            {
                return new ApiCaller(null, "more than one X-Api-Key header");
            }

            secret = header[0]?.Trim();
        }

        if (string.IsNullOrEmpty(secret))
        {
            return new ApiCaller(null, "an API key is required (Authorization: Bearer <key>)");
        }

        if (secret.Length > 256)
        {
            return new ApiCaller(null, "API key not recognised");
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
        ApiKey? match = null;
        foreach (var key in _keys)
        {
            // Compare against every key (no early exit) so timing does not say which one matched.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256))
            {
                match ??= key;
            }
        }

        return match is null ? new ApiCaller(null, "API key not recognised") : new ApiCaller(match, null);
    }
}
