using EgressGuard.Ledger.Storage;
using EgressGuard.Tests.Common;

namespace EgressGuard.Ledger.Tests.Storage;

/// <summary>
/// The minute checkpoint must not wait for a quiet moment: under an appender that keeps the queue
/// full, a checkpoint is still signed once the interval has passed, in the middle of the stream.
/// </summary>
public sealed class SaturatedCheckpointTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Checkpoint_IntervalPassesWhileTheQueueIsBackedUp_IsSignedMidStream()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock(Start);
        await using var ledger = MerkleTransferLedgerTests.Open(dir.Path, clock);
        await ledger.FlushAsync();
        var before = LedgerReader.ReadCheckpoints(dir.Path).Count;

        using var stop = new CancellationTokenSource();
        var appended = 0L;
        var appender = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ledger.AppendAsync(TestTransfers.Create(Start.AddMilliseconds(Interlocked.Read(ref appended))));
                Interlocked.Increment(ref appended);
            }
        });

        // Saturated: thousands of records queued behind the writer (bounded wait: the test fails, not hangs).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (ledger.Backlog < 5_000 && DateTime.UtcNow < deadline && !appender.IsCompleted)
        {
            await Task.Delay(5);
        }

        Assert.True(ledger.Backlog >= 5_000, $"the appender never got ahead of the writer (backlog {ledger.Backlog})");
        clock.Now = Start.AddMinutes(2);
        List<StoredCheckpoint> checkpoints;
        long backlogWhenSeen;
        do
        {
            await Task.Delay(5);
            checkpoints = LedgerReader.ReadCheckpoints(dir.Path);
            backlogWhenSeen = ledger.Backlog;
        }
        while (checkpoints.Count == before && DateTime.UtcNow < deadline);

        await stop.CancelAsync();
        await appender;
        await ledger.FlushAsync();

        Assert.True(checkpoints.Count > before, "no checkpoint was signed while the writer was saturated");
        var signed = checkpoints[before];
        Assert.Equal(Start.AddMinutes(2), signed.Time);
        Assert.True(signed.TreeSize > 0 && signed.TreeSize < ledger.Size, $"checkpoint at {signed.TreeSize} of {ledger.Size}: not in the middle of the stream");
        Assert.True(backlogWhenSeen > 0, "the queue had drained before the checkpoint appeared");
        Assert.True(StoreSamples.Verify(dir.Path).Succeeded);
    }
}
