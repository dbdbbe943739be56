using S3lo.Core.References;

namespace S3lo.Core.Tests.References;

/// <summary>An in-memory <see cref="ILocalStoreProbe"/> that also records what was probed.</summary>
internal sealed class FakeStoreProbe(string currentDirectory, params string[] stores) : ILocalStoreProbe
{
    public List<string> Probed { get; } = [];

    public string CurrentDirectory => currentDirectory;

    public bool IsStore(string absoluteDirectory)
    {
        Probed.Add(absoluteDirectory);
        return stores.Contains(absoluteDirectory, StringComparer.Ordinal);
    }
}
