namespace EgressGuard.Benchmarks.Policy;

/// <summary>The assessment records a <see cref="DecisionBenchmarks"/> snapshot holds.</summary>
public enum DecisionCorpus
{
    /// <summary>Five records: one per pattern kind and an expired one.</summary>
    Handful,

    /// <summary>10,000 records, 100,000 patterns, 1,000 of them CIDRs.</summary>
    Large,

    /// <summary>The large corpus with its 1,000 CIDRs replaced by hosts (no CIDR scan).</summary>
    LargeNoCidrs,
}
