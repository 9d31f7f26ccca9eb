namespace EgressGuard.Policy.SourceGroups;

/// <summary>What the TLS layer does with a group's CONNECT tunnels (carried for the TLS feature; the policy only validates it).</summary>
public enum TlsHandling
{
    /// <summary>Pass the TLS stream through unread (the default).</summary>
    Splice = 1,

    /// <summary>Terminate and inspect.</summary>
    Intercept,
}
