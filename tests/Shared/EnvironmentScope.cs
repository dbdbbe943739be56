namespace S3lo.Tests.Shared;

/// <summary>Sets environment variables for one test and puts the old values back.</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    public EnvironmentScope Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}
