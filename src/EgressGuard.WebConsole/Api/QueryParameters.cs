using Microsoft.AspNetCore.Http;

namespace EgressGuard.WebConsole.Api;

/// <summary>What every API endpoint checks of its query string first.</summary>
internal static class QueryParameters
{
    /// <summary>Adds an error for each parameter not in <paramref name="known"/>, and for each given more than once.</summary>
    public static void CheckKnown(IQueryCollection query, string[] known, List<string> errors)
    {
        foreach (var key in query.Keys)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                errors.Add($"{key}: unknown parameter (known: {string.Join(", ", known)})");
            }
            else if (query[key].Count > 1)
            {
                errors.Add($"{key}: given more than once");
            }
        }
    }
}
