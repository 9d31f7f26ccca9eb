using System.Globalization;
using System.Text;
using EgressGuard.Inspection.Tests.Corpus;
using Xunit.Abstractions;

namespace EgressGuard.Inspection.Tests;

/// <summary>Precision and recall per type on the generated corpus; clean telemetry must produce no finding at all.</summary>
public sealed class CorpusTests
{
    private readonly ITestOutputHelper _output;

    public CorpusTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Corpus_PerType_PrecisionAtLeast099AndRecallAtLeast098()
    {
        var tp = new Dictionary<string, int>();
        var fp = new Dictionary<string, int>();
        var fn = new Dictionary<string, int>();
        var misses = new List<string>();
        var documents = 0;
        foreach (var doc in CorpusGenerator.Documents())
        {
            documents++;
            var found = TestScanners.Default.Scan(doc.Body, new ContentDescriptor(doc.ContentType, doc.ContentEncoding)).Findings
                .Select(f => (f.Type, f.Location)).ToList();
            var expected = doc.Expected.ToList();
            foreach (var f in found)
            {
                if (expected.Remove(f))
                {
                    Add(tp, f.Type);
                }
                else
                {
                    Add(fp, f.Type);
                    misses.Add(doc.Kind + " FP " + f);
                }
            }

            foreach (var e in expected)
            {
                Add(fn, e.Type);
                misses.Add(doc.Kind + " FN " + e);
            }
        }

        var table = new StringBuilder("| type | expected | found | TP | FP | FN | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        var failed = new List<string>();
        foreach (var type in tp.Keys.Union(fp.Keys).Union(fn.Keys).Order(StringComparer.Ordinal))
        {
            int t = Get(tp, type), p = Get(fp, type), n = Get(fn, type);
            var precision = t + p == 0 ? 1 : (double)t / (t + p);
            var recall = t + n == 0 ? 1 : (double)t / (t + n);
            table.Append(CultureInfo.InvariantCulture, $"| {type} | {t + n} | {t + p} | {t} | {p} | {n} | {precision:F3} | {recall:F3} |\n");
            if (precision < 0.99 || recall < 0.98)
            {
                failed.Add(type);
            }
        }

        _output.WriteLine(documents + " documents");
        _output.WriteLine(table.ToString());
        Assert.True(failed.Count == 0, "below target: " + string.Join(",", failed) + "\n" + table + string.Join("\n", misses.Take(40)));
    }

    [Fact]
    public void CleanTelemetry_LookAlikeNumbers_ProduceNoFindings()
    {
        foreach (var doc in CorpusGenerator.Documents(perKind: 60, seed: 99).Where(d => d.Kind == "clean-telemetry"))
        {
            var findings = TestScanners.Default.Scan(doc.Body, new ContentDescriptor(doc.ContentType)).Findings;
            Assert.True(findings.Count == 0, string.Join("; ", findings.Select(f => f.Type + "@" + f.Location + " " + f.Masked)));
        }
    }

    private static void Add(Dictionary<string, int> d, string k) => d[k] = Get(d, k) + 1;

    private static int Get(Dictionary<string, int> d, string k) => d.TryGetValue(k, out var v) ? v : 0;
}
