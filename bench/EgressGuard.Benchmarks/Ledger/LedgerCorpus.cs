using EgressGuard.Ledger.Canonical;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Merkle;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Verification;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Benchmarks.Ledger;

/// <summary>
/// Realistic transfer records (IPv4 clients, real-looking hosts, a quarter with a PI finding, a
/// covering assessment for most) and, for verification, their encodings with a signed checkpoint
/// every 10,000 records — one a minute at ~167 records/s, far denser than the appliance would sign
/// at full load, so checkpoint checks are not understated.
/// </summary>
internal static class LedgerCorpus
{
    public const string Origin = "egressguard.example/bench";

    private static readonly DateTimeOffset BaseTime = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Hosts =
    [
        "api.openai.com", "graph.microsoft.com", "s3.eu-central-1.amazonaws.com", "www.baidu.com",
        "upload.video.google.com", "hooks.slack.com", "api.dingtalk.com", "oss-cn-hangzhou.aliyuncs.com",
    ];

    public static TransferRecord[] Records(int count)
    {
        var records = new TransferRecord[count];
        for (var i = 0; i < count; i++)
        {
            var time = BaseTime.AddMicroseconds(i * 137L);
            var outbound = i % 3 != 0;
            records[i] = new TransferRecord
            {
                Id = Guid.CreateVersion7(time),
                Time = time,
                Kind = i % 10 == 0 ? TransferKind.Tunnel : TransferKind.Http,
                Client = "10.20." + (i % 64) + "." + (1 + (i % 250)),
                Host = Hosts[i % Hosts.Length],
                Ip = "203.0.113." + (1 + (i % 250)),
                Port = 443,
                Country = outbound ? "US" : "CN",
                Outbound = outbound,
                Mode = EnforcementMode.Enforce,
                Decision = i % 17 == 0 ? TransferVerdict.Block : TransferVerdict.Allow,
                Reason = !outbound ? ReasonCode.Domestic : i % 17 == 0 ? ReasonCode.NoAssessment : ReasonCode.CoveredByAssessment,
                AssessmentId = outbound && i % 17 != 0 ? "SCC-2026-0" + (i % 40).ToString("D2", System.Globalization.CultureInfo.InvariantCulture) : null,
                Method = i % 10 == 0 ? "CONNECT" : "POST",
                Status = i % 17 == 0 ? 403 : 200,
                BytesUp = 1_000 + (i % 50_000),
                BytesDown = 200 + (i % 9_000),
                Duration = TimeSpan.FromMicroseconds(800 + (i % 20_000)),
                Inspection = outbound && i % 10 != 0 ? "Complete" : null,
                Findings = i % 4 == 0 ? [new FindingSummary("cn_mobile", 1 + (i % 3), false, "138****5678")] : [],
                GeoDatabaseBuild = "2026-02-24",
            };
        }

        return records;
    }

    /// <summary>Encoded records (sequence 0..count-1) and signed checkpoints every <paramref name="checkpointEvery"/>.</summary>
    public static (byte[][] Encoded, string[] Notes, CheckpointPublicKey Key) SignedLog(int count, int checkpointEvery)
    {
        var records = Records(count);
        var encoded = new byte[count][];
        var notes = new List<string>();
        using var key = CheckpointSigningKey.Generate(Origin);
        var tree = new IncrementalMerkleTree();
        for (var i = 0; i < count; i++)
        {
            encoded[i] = CanonicalEncoder.Encode((ulong)i, records[i]);
            tree.Append(TreeHasher.HashLeaf(encoded[i]));
            if ((i + 1) % checkpointEvery == 0 || i + 1 == count)
            {
                var checkpoint = new Checkpoint
                {
                    Origin = Origin,
                    TreeSize = tree.Size,
                    RootHash = tree.Root,
                    Time = records[i].Time,
                    ClockSync = ClockSyncState.Synchronized,
                    Number = (ulong)notes.Count,
                };
                notes.Add(CheckpointNote.Sign(checkpoint, key));
            }
        }

        return (encoded, [.. notes], key.PublicKey);
    }

    public static IEnumerable<EncodedLedgerEntry> Entries(byte[][] encoded)
    {
        for (var i = 0; i < encoded.Length; i++)
        {
            yield return new EncodedLedgerEntry((ulong)i, encoded[i]);
        }
    }
}
