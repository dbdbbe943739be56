namespace S3lo.EndToEnd.Tests;

/// <summary>A fresh local store directory (initialized with s3lo init), deleted afterwards.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore(bool initialize = true)
    {
        Parent = Directory.CreateTempSubdirectory("s3lo-e2e-").FullName;
        Root = Path.Combine(Parent, "store");
        if (initialize)
        {
            var r = S3loBinary.Run("init", "--local", Root);
            Assert.That(r.ExitCode, Is.EqualTo(0), () => "init failed: " + r);
        }
    }

    public string Parent { get; }
    public string Root { get; }

    /// <summary>A bucket reference to an image in this store.</summary>
    public string Ref(string imageAndTag) => $"local://{Root}/{imageAndTag}";

    public string Url => $"local://{Root}/";

    public static TempStore CopyOf(string source)
    {
        var store = new TempStore(initialize: false);
        CopyDirectory(source, store.Root);
        return store;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Parent, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
