using System.Text;

namespace EgressGuard.Ledger.Tests.Records;

/// <summary>A strict RFC 4180 reader for one record, so tests check what a spreadsheet or csv module would see.</summary>
internal static class Rfc4180
{
    /// <summary>Splits one CSV record into its fields; throws <see cref="FormatException"/> on anything RFC 4180 forbids.</summary>
    public static List<string> ParseRecord(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException("unterminated quoted field");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new FormatException($"text after closing quote at {i}");
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    if (line[i] is '"' or '\r' or '\n')
                    {
                        throw new FormatException($"'{line[i]}' in an unquoted field at {i}");
                    }

                    field.Append(line[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }
}
