namespace S3lo.EndToEnd.Tests;

public static class Repo
{
    /// <summary>The repository root: the directory holding s3lo.sln, found upwards from the test binary.</summary>
    public static string Root { get; } = Find();

    public static string FixtureStore => Path.Combine(Root, "tests", "fixtures", "s3lo-v1-store");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "s3lo.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("s3lo.sln not found above " + AppContext.BaseDirectory);
    }
}
