using EgressGuard.Geo;
using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Networks;
using EgressGuard.Proxy.Configuration;

namespace EgressGuard.Configuration;

/// <summary>
/// The whole validated configuration of one appliance, immutable. Built by
/// <see cref="ConfigLoader"/> from embedded defaults, the JSON file and <c>EGRESSGUARD__</c>
/// environment variables; every key is documented in <c>config/README.md</c>.
/// </summary>
public sealed record ApplianceSettings
{
    /// <summary><c>Mode</c>: Enforce or Monitor (default Monitor).</summary>
    public EnforcementMode Mode { get; init; } = EnforcementMode.Monitor;

    /// <summary><c>HomeJurisdictions</c>: default <c>["CN"]</c>.</summary>
    public IReadOnlyList<string> HomeJurisdictions { get; init; } = ["CN"];

    /// <summary><c>DataDirectory</c>, absolute. Default <c>./data</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary><c>Proxy</c> listeners and limits.</summary>
    public ProxySettings Proxy { get; init; } = new();

    /// <summary><c>Proxy:AllowedClients</c>: default loopback only.</summary>
    public required NetworkSet AllowedClients { get; init; }

    /// <summary><c>Proxy:AllowPrivateDestinations</c>: default none.</summary>
    public NetworkSet AllowPrivateDestinations { get; init; } = NetworkSet.Empty;

    /// <summary><c>Proxy:ConnectPorts</c>: default <c>[443]</c>; <c>["*"]</c> (stored as empty) allows every port.</summary>
    public IReadOnlyList<int> ConnectPorts { get; init; } = [443];

    /// <summary><c>Geo:Database</c>, absolute.</summary>
    public required string GeoDatabase { get; init; }

    /// <summary><c>Geo:Overrides</c>.</summary>
    public IReadOnlyList<GeoOverride> GeoOverrides { get; init; } = [];

    /// <summary><c>Assessments:File</c>, absolute. Default <c>{DataDirectory}/assessments.json</c>.</summary>
    public required string AssessmentsFile { get; init; }

    /// <summary><c>Ledger:Sinks</c>: where the ledger is shipped (central PostgreSQL, syslog); default none.</summary>
    public EgressGuard.Ledger.Sinks.LedgerSinksOptions LedgerSinks { get; init; } = new();

    /// <summary><c>SourceGroups</c>: client networks with their own mode, MLPS level, uninspected handling and TLS handling.</summary>
    public IReadOnlyList<EgressGuard.Policy.SourceGroups.SourceGroup> SourceGroups { get; init; } = [];

    /// <summary><c>Policy:Thresholds</c>: volume thresholds of the 2024 provisions.</summary>
    public EgressGuard.Policy.Volume.VolumeThresholds Thresholds { get; init; } = new();

    /// <summary><c>Ledger</c>: the transfer ledger's store (sync, checkpoints, retention, fail mode); null = defaults under <see cref="DataDirectory"/>.</summary>
    public EgressGuard.Ledger.Storage.LedgerOptions? Ledger { get; init; }

    /// <summary>The standard ASP.NET Core <c>Logging</c> section (log levels per category), if given.</summary>
    public Microsoft.Extensions.Configuration.IConfiguration? Logging { get; init; }

    /// <summary><c>Console</c>: the API port and its keys.</summary>
    public WebConsole.ConsoleSettings Console { get; init; } = new();

    /// <summary><c>Tls</c>: interception mode, CA, upstream trust, bypass list.</summary>
    public EgressGuard.Proxy.Tls.TlsSettings Tls { get; init; } = new();

    /// <summary><c>Transparent</c>: the listener for nftables-redirected traffic (off by default).</summary>
    public EgressGuard.Proxy.Transparent.TransparentSettings Transparent { get; init; } = new();

    /// <summary>The config file these settings came from, if any.</summary>
    public string? SourceFile { get; init; }
}
