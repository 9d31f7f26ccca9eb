using EgressGuard.Tests.Common;

namespace EgressGuard.Inspection.Tests;

/// <summary>Reads tests/data/pii-vectors: labelled values and our documented exceptions.</summary>
internal static class PiiVectors
{
    public sealed record Vector(string File, string Value, bool Valid, string Source);

    public sealed record VectorException(string File, string Value, string Mode, string Reason);

    public static IReadOnlyList<Vector> Load(string file)
    {
        var result = new List<Vector>();
        foreach (var line in File.ReadAllLines(RepositoryPaths.Data("pii-vectors", file)))
        {
            var cols = line.Split('\t');
            if (cols.Length < 3 || cols[0].Length == 0)
            {
                continue;
            }

            result.Add(new Vector(file, cols[0], cols[1] == "valid", cols[2]));
        }

        return result;
    }

    public static IReadOnlyDictionary<(string File, string Value), VectorException> Exceptions { get; } = LoadExceptions();

    private static Dictionary<(string, string), VectorException> LoadExceptions()
    {
        var map = new Dictionary<(string, string), VectorException>();
        foreach (var line in File.ReadAllLines(RepositoryPaths.Data("pii-vectors", "exceptions.tsv")))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var cols = line.Split('\t');
            map[(cols[0], cols[1])] = new VectorException(cols[0], cols[1], cols[2], cols[3]);
        }

        return map;
    }
}
