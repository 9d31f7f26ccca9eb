using System.Globalization;
using EgressGuard.Ledger.Canonical;
using EgressGuard.Policy.Registry;

namespace EgressGuard.Hosting;

/// <summary>
/// Writes registry versions not yet in the transfer ledger as <see cref="LedgerEntryKind.AssessmentChange"/>
/// events, oldest first, marking each once appended. At-least-once: a crash between append and mark
/// appends that version again on the next drain (same Subject, same Detail). Subject:
/// <c>{id} v{version}</c>; Detail: <c>actor=… change=… status=… mechanism=… valid=FROM..TO</c>.
/// Wiring (when and with which append function) is the composition root's.
/// </summary>
public static class AssessmentLedgerDrain
{
    /// <summary>Drains pending changes through <paramref name="append"/>; returns how many were written.</summary>
    public static async ValueTask<int> DrainAsync(SqliteAssessmentRegistry registry, Func<LedgerEvent, CancellationToken, ValueTask> append, CancellationToken cancellationToken)
    {
        var written = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pending = registry.PendingLedgerChanges(256);
            if (pending.Count == 0)
            {
                break;
            }

            foreach (var change in pending)
            {
                await append(ToEvent(change), cancellationToken);
                registry.MarkLedgered(change.Id, change.Version);
                written++;
            }
        }

        return written;
    }

    /// <summary>The ledger event for one stored version.</summary>
    public static LedgerEvent ToEvent(AssessmentChange change) => new()
    {
        Id = Guid.CreateVersion7(change.Time),
        Time = change.Time,
        Kind = LedgerEntryKind.AssessmentChange,
        Subject = change.Id + " v" + change.Version.ToString(CultureInfo.InvariantCulture),
        Detail = string.Create(CultureInfo.InvariantCulture,
            $"actor={change.Actor} change={change.Change} status={change.Record.Status} mechanism={change.Record.Mechanism} valid={change.Record.ValidFrom:yyyy-MM-dd}..{change.Record.ValidTo:yyyy-MM-dd}"),
    };
}
