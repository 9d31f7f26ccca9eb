using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>A ledger holding ten known records, appended out of time order; shared by the query tests.</summary>
public sealed class LedgerWithKnownRecords : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    /// <summary>The records by append index; record i is at <see cref="Minute"/>(its minute).</summary>
    public IReadOnlyList<TransferRecord> Records { get; } =
    [
        Make(0, 5, TransferVerdict.Allow, ReasonCode.Domestic, "CN", "10.0.0.1", "www.example.cn"),
        Make(1, 1, TransferVerdict.Block, ReasonCode.NoAssessment, "US", "10.0.0.2", "api.example.com"),
        Make(2, 3, TransferVerdict.Report, ReasonCode.NoAssessment, "HK", "10.0.0.1", "api.example.com"),
        Make(3, 0, TransferVerdict.Allow, ReasonCode.CoveredByAssessment, "JP", "10.0.0.3", "jp.example.com"),
        Make(4, 9, TransferVerdict.Block, ReasonCode.PrivateDestination, null, "10.0.0.2", "intranet.corp"),
        Make(5, 7, TransferVerdict.Block, ReasonCode.ClientNotAllowed, null, "172.20.0.9", string.Empty),
        Make(6, 2, TransferVerdict.Failed, ReasonCode.UpstreamUnreachable, "US", "10.0.0.1", "down.example.com"),
        Make(7, 8, TransferVerdict.Allow, ReasonCode.Domestic, "CN", "10.0.0.3", "www.example.cn"),
        Make(8, 4, TransferVerdict.Block, ReasonCode.AssessmentExpired, "TW", "fd00::5", "old.example.org"),
        Make(9, 6, TransferVerdict.Report, ReasonCode.NoAssessment, "US", "10.0.0.2", "api.example.com"),
    ];

    /// <summary>The open ledger.</summary>
    public MerkleTransferLedger Ledger { get; private set; } = null!;

    /// <summary>The data directory.</summary>
    public string DataDirectory => _directory.Path;

    /// <summary>The instant of minute <paramref name="m"/> of the test day.</summary>
    public static DateTimeOffset Minute(int m) => TestTransfers.BaseTime.AddMinutes(m);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Ledger = MerkleTransferLedgerTests.Open(_directory.Path);
        foreach (var record in Records)
        {
            await Ledger.AppendAsync(record);
        }

        await Ledger.FlushAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Ledger.DisposeAsync();
        _directory.Dispose();
    }

    private static TransferRecord Make(int index, int minute, TransferVerdict decision, ReasonCode reason, string? country, string client, string host) =>
        TestTransfers.Create(Minute(minute), decision, reason, country, client, host) with
        {
            Id = new Guid(index + 1, 0, 0, [0x80, 0, 0, 0, 0, 0, 0, 0]),
        };
}
