namespace EgressGuard.Ledger.Records;

/// <summary>What one ledger record describes.</summary>
public enum TransferKind
{
    /// <summary>One forwarded (or refused) HTTP request.</summary>
    Http = 0,

    /// <summary>One CONNECT tunnel, written when it closes (or when it is refused).</summary>
    Tunnel = 1,
}
