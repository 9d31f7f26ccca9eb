using EgressGuard.Ledger.Storage;

namespace EgressGuard.WebConsole.Hosting;

/// <summary>What the API reads and changes: the appliance's own ledger (and, with the registry, its assessment records).</summary>
public sealed record ConsoleData(ITransferLedger Ledger, TimeProvider Time);
