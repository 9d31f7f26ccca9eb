namespace EgressGuard.Tests.Common;

/// <summary>Locates the repository and its test data from a test's output directory.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding <c>EgressGuard.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary><c>tests/data</c>: copied third-party test data with its licence notes.</summary>
    public static string TestData => Path.Combine(Root, "tests", "data");

    /// <summary>A file under <c>tests/data</c>.</summary>
    public static string Data(params string[] parts) => Path.Combine([TestData, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EgressGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EgressGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
