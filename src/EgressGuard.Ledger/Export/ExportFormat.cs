namespace EgressGuard.Ledger.Export;

/// <summary>Data file format of an export.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV with the reversible rules of <see cref="ExportCodec"/>.</summary>
    Csv,

    /// <summary>JSON Lines, one entry per line.</summary>
    Jsonl,

    /// <summary>Apache Parquet, the CSV columns as optional UTF-8 string columns (<see cref="ParquetExport"/>).</summary>
    Parquet,
}
