using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Registry;

namespace EgressGuard.WebConsole.Hosting;

/// <summary>What the API reads and changes: the appliance's own ledger and assessment registry.</summary>
public sealed record ConsoleData(ITransferLedger Ledger, TimeProvider Time)
{
    /// <summary>The assessment registry; null answers the assessment endpoints with 503.</summary>
    public IAssessmentRegistry? Registry { get; init; }

    /// <summary>Where the ledger's files are and its origin (for proofs); null answers the proof endpoints with 503.</summary>
    public LedgerOptions? LedgerFiles { get; init; }
}
