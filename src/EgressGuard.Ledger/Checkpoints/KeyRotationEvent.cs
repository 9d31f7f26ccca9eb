using System.Diagnostics.CodeAnalysis;
using EgressGuard.Ledger.Canonical;

namespace EgressGuard.Ledger.Checkpoints;

/// <summary>
/// The ledger entry that records a signing-key rotation: <see cref="LedgerEvent.Subject"/> is the new
/// verifier key, <see cref="LedgerEvent.Detail"/> the old one (both <c>name+keyid+base64</c>). Once a
/// checkpoint signed by the old key covers this entry, the new key is vouched for by the log itself,
/// so an auditor needs only the first public key (<see cref="Verification.LedgerVerifier"/> does this).
/// </summary>
public static class KeyRotationEvent
{
    /// <summary>The event to append when the key changes from <paramref name="oldKey"/> to <paramref name="newKey"/>.</summary>
    public static LedgerEvent Create(Guid id, DateTimeOffset time, CheckpointPublicKey oldKey, CheckpointPublicKey newKey)
    {
        ArgumentNullException.ThrowIfNull(oldKey);
        ArgumentNullException.ThrowIfNull(newKey);
        return new LedgerEvent
        {
            Id = id,
            Time = time,
            Kind = LedgerEntryKind.KeyRotation,
            Subject = newKey.ToVerifierKey(),
            Detail = oldKey.ToVerifierKey(),
        };
    }

    /// <summary>The new key announced by a key-rotation event; false for other events or a malformed key.</summary>
    public static bool TryGetNewKey(LedgerEvent ledgerEvent, [NotNullWhen(true)] out CheckpointPublicKey? newKey)
    {
        newKey = null;
        return ledgerEvent is { Kind: LedgerEntryKind.KeyRotation }
            && CheckpointPublicKey.TryParseVerifierKey(ledgerEvent.Subject, out newKey, out _);
    }
}
