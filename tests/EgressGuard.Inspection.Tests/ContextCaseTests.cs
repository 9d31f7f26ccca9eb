using System.Text.Json;
using EgressGuard.Tests.Common;

namespace EgressGuard.Inspection.Tests;

/// <summary>cn-pii-bench surface-matrix cases: 29 surface forms in 10 carrier sentences, spans in UTF-8 bytes.</summary>
public sealed class ContextCaseTests
{
    private static readonly Dictionary<string, string> TypeMap = new()
    {
        ["zh_phone"] = PiiTypes.CnMobile,
        ["zh_id_card"] = PiiTypes.CnResidentId,
        ["zh_bank_card"] = PiiTypes.BankCard,
        ["email"] = PiiTypes.Email,
        ["ip_address"] = PiiTypes.IpAddress,
    };

    [Fact]
    public void SurfaceMatrix_EveryCase_FindsExactlyTheExpectedSpans()
    {
        var failures = new List<string>();
        var cases = 0;
        foreach (var line in File.ReadLines(RepositoryPaths.Data("pii-vectors", "context_cases_cn-pii-bench_surface_matrix.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var text = root.GetProperty("text").GetString()!;
            var expected = new HashSet<(string, long, int)>();
            foreach (var e in root.GetProperty("expect").EnumerateArray())
            {
                var start = e.GetProperty("start").GetInt32();
                expected.Add((TypeMap[e.GetProperty("type").GetString()!], start, e.GetProperty("end").GetInt32() - start));
            }

            var actual = TestScanners.Find(text).Select(f => (f.Type, f.Start, f.Length)).ToHashSet();
            if (!actual.SetEquals(expected))
            {
                failures.Add(root.GetProperty("id").GetString() + ": expected " + string.Join(",", expected) + " got " + string.Join(",", actual));
            }

            cases++;
        }

        Assert.Equal(290, cases);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
