using EgressGuard.Ledger.Canonical;
using Parquet;
using Parquet.Schema;

namespace EgressGuard.Ledger.Export;

/// <summary>
/// The Parquet shape of an export: the columns of <see cref="ExportCodec.Fields"/>, each an optional
/// UTF-8 string column holding exactly the text of the CSV cell (null = absent; no formula guard:
/// Parquet has no formulas), in row groups of <see cref="RowGroupSize"/> entries. String columns keep
/// the file an exact image of the hashed values (cast them in the query tool: <c>CAST(port AS INTEGER)</c>);
/// reading a row back gives the entry that re-encodes to the canonical bytes.
/// </summary>
public static class ParquetExport
{
    /// <summary>Entries per row group (memory while writing is one group's values).</summary>
    public const int RowGroupSize = 65_536;

    private static readonly ParquetSchema Schema = new([.. ExportCodec.Fields.Select(f => new DataField<string>(f, true))]);

    /// <summary>Writes entries to a Parquet file, one row group at a time. Call <see cref="Writer.Complete"/> before disposing.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly ParquetWriter _writer;
        private readonly List<string?>[] _columns;
        private int _rows;

        /// <summary>Starts a Parquet file on <paramref name="output"/> (left open).</summary>
        public Writer(Stream output)
        {
            _writer = ParquetWriter.CreateAsync(Schema, output, null, false).GetAwaiter().GetResult();
            _columns = [.. ExportCodec.Fields.Select(_ => new List<string?>(RowGroupSize))];
        }

        /// <summary>Adds one entry (written when its row group is full, or at <see cref="Complete"/>).</summary>
        public void Add(LedgerEntry entry)
        {
            var values = ExportCodec.Values(entry);
            for (var i = 0; i < values.Length; i++)
            {
                _columns[i].Add(values[i]);
            }

            if (++_rows == RowGroupSize)
            {
                FlushRowGroup();
            }
        }

        /// <summary>Writes the last row group.</summary>
        public void Complete()
        {
            if (_rows > 0)
            {
                FlushRowGroup();
            }
        }

        /// <inheritdoc />
        public void Dispose() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

        private void FlushRowGroup()
        {
            using (var group = _writer.CreateRowGroup())
            {
                var fields = Schema.GetDataFields();
                for (var i = 0; i < fields.Length; i++)
                {
                    group.WriteAsync(fields[i], _columns[i]!).GetAwaiter().GetResult();
                    _columns[i].Clear();
                }

                group.CompleteValidate();
            }

            _rows = 0;
        }
    }

    /// <summary>
    /// Reads the entries of a Parquet export back, row group by row group. A file that is not a
    /// Parquet file, has other columns, or holds a row that is not an export row stops the sequence
    /// with the reason in <paramref name="error"/>[0].
    /// </summary>
    public static IEnumerable<LedgerEntry> Read(Stream stream, string?[] error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream, null, true).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsParquetError(e))
        {
            error[0] = "not a readable Parquet file (" + e.Message + ")";
            yield break;
        }

        try
        {
            var fields = reader.Schema.GetDataFields();
            if (fields.Length != ExportCodec.Fields.Length || fields.Where((f, i) => f.Name != ExportCodec.Fields[i]).Any())
            {
                error[0] = "the Parquet columns are not the export columns";
                yield break;
            }

            long row = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                string?[][]? columns = ReadGroup(reader, g, fields, out var groupError);
                if (columns is null)
                {
                    error[0] = $"row group {g}: {groupError}";
                    yield break;
                }

                var values = new string?[fields.Length];
                for (var r = 0; r < columns[0].Length; r++)
                {
                    row++;
                    for (var c = 0; c < values.Length; c++)
                    {
                        values[c] = columns[c][r];
                    }

                    var entry = ExportCodec.ParseValues(values, out var parseError);
                    if (entry is null)
                    {
                        error[0] = $"Parquet row {row}: not an export row ({parseError})";
                        yield break;
                    }

                    yield return entry;
                }
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string?[][]? ReadGroup(ParquetReader reader, int index, DataField[] fields, out string? error)
    {
        try
        {
            using var group = reader.OpenRowGroupReader(index);
            if (group.RowCount is < 0 or > int.MaxValue)
            {
                error = "impossible row count " + group.RowCount;
                return null;
            }

            var columns = new string?[fields.Length][];
            for (var c = 0; c < fields.Length; c++)
            {
                var values = new string?[(int)group.RowCount];
                group.ReadAsync(fields[c], values.AsMemory(), null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                columns[c] = values;
            }

            error = null;
            return columns;
        }
        catch (Exception e) when (IsParquetError(e))
        {
            error = "cannot be read (" + e.Message + ")";
            return null;
        }
    }

    // The library reports a malformed file with a range of exception types; none of them may escape.
    private static bool IsParquetError(Exception e) =>
        e is IOException or InvalidDataException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or IndexOutOfRangeException or OverflowException or OutOfMemoryException
        || e.GetType().FullName?.StartsWith("Parquet.", StringComparison.Ordinal) == true;
}
