namespace EgressGuard.Proxy.Connect;

/// <summary>Outcome of parsing a CONNECT request head.</summary>
public enum ConnectParseStatus
{
    /// <summary>The head is not complete yet; read more.</summary>
    Incomplete = 0,

    /// <summary>A well-formed head was parsed.</summary>
    Complete,

    /// <summary>Syntax error: answer 400.</summary>
    Malformed,

    /// <summary>The head exceeds the limit: answer 431.</summary>
    TooLarge,
}
