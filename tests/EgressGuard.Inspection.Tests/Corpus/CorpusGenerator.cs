using System.Text;

namespace EgressGuard.Inspection.Tests.Corpus;

/// <summary>Placeholder until the corpus generator is written.</summary>
internal static class CorpusGenerator
{
    public static string DenseJson(int approxBytes, int seed)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder("[");
        while (sb.Length < approxBytes)
        {
            sb.Append("{\"mobile\":\"1380013").Append(rnd.Next(1000, 9999)).Append("\",\"email\":\"u").Append(rnd.Next()).Append("@example.com\"},");
        }

        sb.Append("{}]");
        return sb.ToString();
    }
}
