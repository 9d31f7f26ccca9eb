namespace EgressGuard.WebConsole.Security;

/// <summary>What an API key may do. Roles are not ordered by name but by <see cref="ApiRoles.Allows"/>.</summary>
public enum ApiRole
{
    /// <summary>Reads transfers and assessments (auditors pulling evidence).</summary>
    Auditor,

    /// <summary>Reads transfers and assessments (security staff reviewing blocked transfers).</summary>
    Reviewer,

    /// <summary>Everything, including changes to assessment records.</summary>
    Admin,
}

/// <summary>Role rules in one place.</summary>
public static class ApiRoles
{
    /// <summary>True when a key with <paramref name="held"/> may do what needs <paramref name="required"/>.</summary>
    public static bool Allows(ApiRole held, ApiRole required) =>
        required switch
        {
            ApiRole.Admin => held == ApiRole.Admin,
            _ => true,
        };

    /// <summary>Parses <c>admin</c>, <c>reviewer</c> or <c>auditor</c> (any case).</summary>
    public static bool TryParse(string? text, out ApiRole role)
    {
        role = ApiRole.Auditor;
        if (string.Equals(text, "admin", StringComparison.OrdinalIgnoreCase))
        {
            role = ApiRole.Admin;
            return true;
        }

        if (string.Equals(text, "reviewer", StringComparison.OrdinalIgnoreCase))
        {
            role = ApiRole.Reviewer;
            return true;
        }

        return string.Equals(text, "auditor", StringComparison.OrdinalIgnoreCase);
    }
}
